import * as path from 'node:path';
import type { Rule } from '../rule';

/**
 * Fields each dataset format needs in every row; a format is met when one of its alternatives is.
 * instruction: Alpaca (instruction, output), Dolly (instruction, response) or TRL prompt-completion.
 */
export const FORMAT_FIELDS: Record<string, readonly (readonly string[])[]> = {
  preference: [['prompt', 'chosen', 'rejected']],
  chat: [['messages']],
  instruction: [
    ['instruction', 'output'],
    ['instruction', 'response'],
    ['prompt', 'completion'],
  ],
  text: [['text']],
  unpaired: [['prompt', 'completion', 'label']],
};

/** How many sampled rows are checked. */
const ROWS_CHECKED = 20;

function describe(alternatives: readonly (readonly string[])[]): string {
  return alternatives.map((a) => a.join(', ')).join('; or ');
}

export const datasetFormatRule: Rule = {
  id: 'training/dataset-format',
  kinds: ['TrainingConfig'],
  defaultSeverity: 'warning',
  description: "The dataset's first rows lack the fields its `format` needs (e.g. prompt/chosen/rejected for preference).",
  check(doc, ctx) {
    const dataset = (doc.value as Record<string, unknown> | null)?.['dataset'];
    if (dataset === null || typeof dataset !== 'object') return;
    const d = dataset as Record<string, unknown>;
    const format = d['format'];
    if (typeof format !== 'string') return;
    const alternatives = FORMAT_FIELDS[format];
    if (!alternatives) return;

    for (const split of ['train', 'eval'] as const) {
      const file = d[split];
      if (typeof file !== 'string' || file.includes('${{')) continue;
      const sample = ctx.facts.dataSample(path.resolve(path.dirname(ctx.path), file));
      if (!sample) continue;
      const rows = sample.rows.slice(0, ROWS_CHECKED);
      for (let i = 0; i < rows.length; i++) {
        const row = rows[i]!;
        const present = (f: string) => row[f] !== undefined && row[f] !== null;
        if (alternatives.some((fields) => fields.every(present))) {
          if (format === 'chat' && !Array.isArray(row['messages'])) {
            ctx.report({
              range: doc.valueRange(['dataset', split]),
              message: `Row ${i + 1} of ${file}: "messages" is ${typeof row['messages']}, but chat rows hold a list of {role, content} messages.`,
            });
            break;
          }
          continue;
        }
        // Name the fields of the closest alternative that are missing.
        const closest = [...alternatives].sort((a, b) => b.filter(present).length - a.filter(present).length)[0]!;
        const missing = closest.filter((f) => !present(f));
        const fields = Object.keys(row);
        ctx.report({
          range: doc.valueRange(['dataset', split]),
          message:
            `Row ${i + 1} of ${file} lacks ${missing.map((f) => `"${f}"`).join(', ')}, which format "${format}" needs (${describe(alternatives)}); ` +
            `the row has ${fields.length > 0 ? fields.map((f) => `"${f}"`).join(', ') : 'no fields'}.`,
        });
        break;
      }
    }
  },
};
