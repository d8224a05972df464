import * as path from 'node:path';
import type { Rule } from '../rule';
import { PREFERENCE_METHODS } from '../../frameworks/facts';
import { factsOf } from './shared';

/** axolotl dataset types that hold SFT data (instruction, completion or chat rows): no chosen/rejected. */
const SFT_TYPES = /^(alpaca(_[a-z_]+)?|completion|sharegpt(\..*)?|input_output|oasst|gpteacher|jeopardy|summarizetldr|context_qa(\..*)?|explainchoice|metharme|pygmalion|orcamini|pretrain|chat_template)$/;

function rec(v: unknown): Record<string, unknown> | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

const LOCAL = /^(\.{0,2}\/|[A-Za-z]:\\)|\.(jsonl|json|csv|tsv|parquet)(\.gz)?$/i;

export const preferenceDataRule: Rule = {
  id: 'framework/preference-data',
  kinds: ['axolotl', 'llamafactory', 'trl'],
  defaultSeverity: 'error',
  description: 'A preference method (DPO, IPO, ORPO, KTO, SimPO, reward model) with a dataset that is not preference data: its declared type, its dataset_info.json entry, or the columns of its first rows.',
  check(doc, ctx) {
    const f = factsOf(doc);
    if (!f || !PREFERENCE_METHODS.has(f.method.value)) return;
    const method = f.methodName ?? f.method.value;
    const kto = f.method.value === 'kto';
    for (const d of f.datasets) {
      // 1. The declared type (axolotl).
      if (f.kind === 'axolotl' && d.type && SFT_TYPES.test(d.type)) {
        const want = f.method.value === 'reward_model' ? 'a bradley_terry.* type' : kto ? 'a KTO type (e.g. llama3.ultra, chatml.argilla)' : 'a preference type such as chat_template.default (with field_chosen / field_rejected) or chatml.intel';
        ctx.report({
          range: doc.valueRange([...d.path, 'type']),
          message: `${method} needs preference data, but dataset type "${d.type}" is an SFT format (no chosen/rejected responses); axolotl fails while tokenizing or trains on the wrong fields. Use ${want}.`,
        });
        continue;
      }
      // 2. LLaMA-Factory: the dataset_info.json entry next to dataset_dir.
      if (f.kind === 'llamafactory' && d.name) {
        const dir = path.resolve(path.dirname(ctx.path), f.datasetDir?.value ?? 'data');
        const info = rec(ctx.facts.jsonFile?.(path.join(dir, 'dataset_info.json')));
        const entry = info && rec(info[d.name]);
        if (entry) {
          const cols = rec(entry['columns']) ?? {};
          if (kto && !cols['kto_tag']) {
            ctx.report({ range: doc.valueRange(d.path), message: `stage: kto needs a dataset with a kto_tag column, but "${d.name}" in ${path.relative(path.dirname(ctx.path), path.join(dir, 'dataset_info.json'))} maps none.` });
          } else if (!kto && entry['ranking'] !== true) {
            ctx.report({
              range: doc.valueRange(d.path),
              message: `${method} needs pairwise data, but "${d.name}" in ${path.relative(path.dirname(ctx.path), path.join(dir, 'dataset_info.json')) || 'dataset_info.json'} has no "ranking": true (LLaMA-Factory loads it as SFT data and stops: "The dataset is not applicable in the current training stage").`,
            });
          }
          continue;
        }
      }
      // 3. A local file: read its first rows (same sniffing as the TrainingConfig rules).
      const file = f.kind === 'axolotl' ? d.name : f.kind === 'trl' ? d.name : undefined;
      if (!file || !LOCAL.test(file)) continue;
      const sample = ctx.facts.dataSample(path.resolve(path.dirname(ctx.path), file));
      if (!sample || sample.rows.length === 0) continue;
      const cols = new Set(sample.columns);
      const at = f.kind === 'axolotl' ? [...d.path, 'path'] : d.path;
      if (kto) {
        const label = d.fields['field_label'] ?? 'label';
        if (!cols.has(label)) {
          ctx.report({ range: doc.valueRange(at), message: `KTO needs a boolean "${label}" column (desirable or not), but the first rows of ${file} have ${[...cols].join(', ') || 'no columns'}.` });
          continue;
        }
        const bad = sample.rows.find((r) => r[label] !== undefined && typeof r[label] !== 'boolean');
        if (bad) ctx.report({ range: doc.valueRange(at), message: `KTO labels must be booleans (true = desirable), but ${file} has ${label}: ${JSON.stringify(bad[label])}; TRL reads any non-empty string as true.` });
        continue;
      }
      const chosen = d.fields['field_chosen'] ?? 'chosen';
      const rejected = d.fields['field_rejected'] ?? 'rejected';
      const missing = [chosen, rejected].filter((c) => !cols.has(c));
      if (missing.length) {
        ctx.report({
          range: doc.valueRange(at),
          message: `${method} needs ${missing.map((m) => `"${m}"`).join(' and ')} in every row, but the first rows of ${file} have ${[...cols].join(', ') || 'no columns'}.`,
        });
      }
    }
  },
};
