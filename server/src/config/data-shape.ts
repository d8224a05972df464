/**
 * What a data file looks like, from its columns and first rows: the training format it can feed
 * (the `dataset.format` values of a TrainingConfig, with the fields `training/dataset-format`
 * checks) and the analyses it can be given. Pure; the Data Files view and the training wizard show
 * it, so both say the same thing about a file.
 */
import { FORMAT_FIELDS } from './rules/training/dataset-format';

export interface DataShape {
  /** A short id: a training format (`preference`, `chat`, ...), an analysis input (`predictions`, ...) or `table`. */
  shape: string;
  /** For people: "preference pairs (prompt, chosen, rejected)". */
  label: string;
  /** The TrainingConfig `dataset.format` the rows meet, if any. */
  trainingFormat?: string;
  /** Analyses whose input the columns look like (by their default column names). */
  analyses: string[];
}

const TRAINING_LABELS: Record<string, string> = {
  preference: 'preference pairs',
  chat: 'chat conversations',
  instruction: 'instruction tuning',
  text: 'plain text',
  unpaired: 'unpaired feedback (KTO)',
};

/** Default column names each analysis reads (docs/analyses.md); one alternative is enough. */
const ANALYSIS_FIELDS: [analysis: string, label: string, alternatives: string[][]][] = [
  ['calibration', 'predictions', [['chosen_score', 'rejected_score'], ['confidence', 'correct'], ['prob', 'label'], ['probs', 'label'], ['logits', 'label']]],
  ['agreement', 'annotations', [['item_id', 'annotator', 'label']]],
  ['latency', 'serving log', [['timestamp', 'latency_ms']]],
  ['ab', 'A/B results', [['variant']]],
  ['uncertainty', 'unlabelled pool', [['id', 'probs'], ['id', 'logits']]],
  ['training', 'training log', [['step', 'loss'], ['loss'], ['train_loss']]],
];

/** Training formats in the order they are tried: the most specific first (preference rows also have a prompt). */
const TRAINING_ORDER = ['preference', 'unpaired', 'chat', 'instruction', 'text'];

export function inferDataShape(columns: readonly string[], format?: string): DataShape {
  const has = new Set(columns);
  const meets = (fields: readonly string[]) => fields.every((f) => has.has(f));
  if (format === 'trainer_state' || format === 'mlflow') return { shape: 'training-log', label: 'training log', analyses: ['training'] };
  const analyses = ANALYSIS_FIELDS.filter(([, , alts]) => alts.some(meets)).map(([a]) => a);
  for (const name of TRAINING_ORDER) {
    const alternatives = FORMAT_FIELDS[name] ?? [];
    const met = alternatives.find(meets);
    if (met) return { shape: name, label: `${TRAINING_LABELS[name] ?? name} (${met.join(', ')})`, trainingFormat: name, analyses };
  }
  const first = ANALYSIS_FIELDS.find(([a]) => analyses.includes(a));
  if (first) {
    const met = first[2].find(meets)!;
    return { shape: first[1].replace(/[^a-z]+/gi, '-').toLowerCase(), label: `${first[1]} (${met.join(', ')})`, analyses };
  }
  const shown = columns.slice(0, 4).join(', ') + (columns.length > 4 ? ', ...' : '');
  return { shape: 'table', label: columns.length ? `table (${shown})` : 'no columns', analyses: [] };
}
