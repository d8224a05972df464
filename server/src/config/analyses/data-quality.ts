/** The `data-quality` analysis: is a preference / SFT / annotation file fit to train on (docs/analyses.md#data-quality). */
import type { DataQualityResult } from '../../analysis/data-quality';
import { arrayOf, bool, literal, nullable, num, object, recordOf, str, type Checker } from '../../protocol/check';
import { defineAnalysis, int, m, opt, text } from './descriptor';

const count = nullable(num);
const histogram = object({ edges: arrayOf(num), counts: arrayOf(num) });
const statsShape = { n: num, mean: num, min: num, p5: num, p25: num, p50: num, p75: num, p95: num, p99: num, max: num, histogram };

export const dataQualityResult: Checker<DataQualityResult> = object({
  shape: literal('preference', 'preference-messages', 'kto', 'sft', 'conversation', 'annotation', 'prompts'),
  columns: recordOf(str),
  rows: num,
  quality_score: num,
  exact_duplicate_rows: num,
  duplicate_prompts: count,
  near_duplicate_prompts: count,
  duplicate_prompt_share: count,
  near_duplicate_prompt_share: count,
  identical_chosen_rejected: count,
  empty_prompt: count,
  empty_chosen: count,
  empty_rejected: count,
  empty_completion: count,
  wrong_types: num,
  missing_fields: num,
  ties: count,
  truncated_responses: count,
  against_rows: count,
  leaked_prompts: count,
  near_leaked_prompts: count,
  train_eval_leakage: count,
  issues: arrayOf(
    object({
      id: str,
      severity: literal('error', 'warning', 'info'),
      count: num,
      unit: literal('rows', 'annotators', 'items', 'ratings', 'pairs'),
      share: num,
      weight: num,
      penalty: num,
      message: str,
      lines: arrayOf(num, 20),
      file: literal('data', 'against'),
    }),
  ),
  fields: arrayOf(object({ role: str, column: str, missing: num, empty: num, wrong_type: num })),
  lengths: arrayOf(object({ role: str, unit: literal('chars', 'tokens'), ...statsShape })),
  length_difference: arrayOf(object({ unit: literal('chars', 'tokens'), chosen_longer_share: num, equal_share: num, rejected_longer_share: num, ...statsShape })),
  labels: nullable(object({ column: str, counts: recordOf(num), shares: recordOf(num) })),
  groups: arrayOf(object({ role: literal('source', 'round'), column: str, values: arrayOf(object({ value: str, rows: num, share: num, labels: recordOf(num) })) })),
  position_bias: nullable(object({ column: str, first: num, second: num, first_share: num, p_value: num })),
  messages: nullable(object({ turns: recordOf(num) })),
  annotation: nullable(
    object({
      items: num,
      annotators: num,
      ratings: num,
      pool: recordOf(num),
      min_ratings_per_item: num,
      items_few_ratings: num,
      duplicate_ratings: num,
      constant_annotators: arrayOf(str),
      per_annotator: arrayOf(object({ annotator: str, n: num, labels: recordOf(num), tv_distance: num, kl_divergence: num, constant: bool })),
    }),
  ),
  near_duplicates: object({ shingle_k: num, num_perm: num, bands: num, rows_per_band: num, threshold: num, seed: num, clusters: arrayOf(object({ size: num, rows: num, lines: arrayOf(num) })) }),
  leakage: nullable(object({ matches: arrayOf(object({ line: num, data_line: num, similarity: num })) })),
}) as unknown as Checker<DataQualityResult>;

export const dataQualityAnalysis = defineAnalysis<DataQualityResult>({
  name: 'data-quality',
  description: 'Whether a preference, SFT or annotation dataset is fit to train on: broken and empty rows, identical sides, duplicates and MinHash near-duplicates, train/eval leakage, truncated responses, lengths, label balance, position bias, annotator behaviour and a quality score.',
  inputs: '{prompt, chosen, rejected}, {chosen_messages, rejected_messages}, {prompt, completion, label}, {messages}|{conversations}, {prompt, completion}, {prompt} or {item_id, annotator, label} rows',
  options: [
    opt('against', 'An eval file: report its prompts that are also (exactly or nearly) in the data file.', text, { path: true }),
    opt('min_ratings_per_item', 'Annotation: items with fewer ratings are reported (default 2).', int(1, 1000)),
  ],
  metrics: [
    m('rows', 'Rows checked.'),
    m('quality_score', 'Quality score: 100 minus the weighted penalties of the issues.'),
    m('exact_duplicate_rows', 'Rows that repeat an earlier row exactly.'),
    m('duplicate_prompts', 'Rows whose prompt repeats an earlier prompt.'),
    m('duplicate_prompt_share', 'duplicate_prompts / rows with a prompt.'),
    m('near_duplicate_prompts', 'Distinct prompts that are MinHash near-duplicates of an earlier prompt.'),
    m('near_duplicate_prompt_share', 'near_duplicate_prompts / rows with a prompt.'),
    m('identical_chosen_rejected', 'Pairs whose chosen and rejected texts are the same.'),
    m('empty_prompt', 'Rows with an empty or missing prompt.'),
    m('empty_chosen', 'Rows with an empty or missing chosen response.'),
    m('empty_rejected', 'Rows with an empty or missing rejected response.'),
    m('empty_completion', 'Rows with an empty response (SFT, KTO, conversations).'),
    m('wrong_types', 'Rows with a value of the wrong type.'),
    m('missing_fields', 'Rows without a required id or label.'),
    m('ties', 'Pairs or ratings that are ties.'),
    m('truncated_responses', 'Rows with a response that looks cut by a length limit.'),
    m('against_rows', 'Rows of the eval file (option against).'),
    m('leaked_prompts', 'Eval rows (option against) whose prompt is in the data file.'),
    m('near_leaked_prompts', 'Eval rows whose prompt is a near-duplicate of a data prompt.'),
    m('train_eval_leakage', '(leaked + near-leaked eval rows) / eval rows with a prompt; needs option against.'),
  ],
  result: dataQualityResult,
});
