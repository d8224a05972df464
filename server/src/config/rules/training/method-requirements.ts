import type { Rule } from '../rule';
import type { FixData } from '../../diagnostic';
import { insertIntoMap } from './map-insertion';

/** Dataset formats each method can train on. KTO learns from unpaired labelled completions, or from pairs split apart. */
const FORMATS: Record<string, readonly string[]> = {
  dpo: ['preference'],
  orpo: ['preference'],
  reward_model: ['preference'],
  kto: ['preference', 'unpaired'],
};

const BETA_METHODS = new Set(['dpo', 'orpo', 'kto']);

function record(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

export const methodRequirementsRule: Rule = {
  id: 'training/method-requirements',
  kinds: ['TrainingConfig'],
  defaultSeverity: 'error',
  description: 'The training method lacks what it needs: `beta` for DPO/ORPO/KTO, preference data for DPO/ORPO/KTO/reward models, `reward_model` for PPO.',
  check(doc, ctx) {
    const v = record(doc.value);
    const method = v?.['method'];
    if (typeof method !== 'string') return;
    const methodRange = doc.valueRange(['method']);

    if (BETA_METHODS.has(method) && record(v?.['hyperparameters'])?.['beta'] === undefined) {
      const edit = insertIntoMap(doc, ['hyperparameters'], { key: 'beta', value: '0.1' });
      const hasHp = record(v?.['hyperparameters']) !== undefined;
      ctx.report({
        range: hasHp ? doc.keyRange(['hyperparameters']) : methodRange,
        message: `Method ${method} needs hyperparameters.beta, the strength of its preference term (0.1 is the usual starting point).`,
        ...(edit ? { fixes: [{ title: 'Add beta: 0.1', edits: [edit], safe: false } satisfies FixData] } : {}),
      });
    }

    const formats = FORMATS[method];
    const dataset = record(v?.['dataset']);
    if (formats && dataset) {
      const format = dataset['format'];
      const wanted = formats.map((f) => `"${f}"`).join(' or ');
      if (format === undefined) {
        const edit = insertIntoMap(doc, ['dataset'], { key: 'format', value: formats[0]! });
        ctx.report({
          range: doc.keyRange(['dataset']),
          message: `Method ${method} trains on pairs of a preferred and a rejected response; set dataset.format to ${wanted}.`,
          ...(edit ? { fixes: [{ title: `Add format: ${formats[0]}`, edits: [edit], safe: false }] } : {}),
        });
      } else if (typeof format === 'string' && !formats.includes(format)) {
        ctx.report({
          range: doc.valueRange(['dataset', 'format']),
          message: `Method ${method} cannot train on "${format}" data: it needs ${wanted} rows (prompt, chosen, rejected${method === 'kto' ? '; or prompt, completion, label' : ''}).`,
          related: [{ range: methodRange, message: `method: ${method}` }],
        });
      }
    }

    if (method === 'ppo' && (v?.['reward_model'] === undefined || v['reward_model'] === null)) {
      ctx.report({
        range: methodRange,
        message: 'Method ppo needs reward_model: a TrainingConfig file or a model id that scores the policy\'s responses.',
      });
    }
  },
};
