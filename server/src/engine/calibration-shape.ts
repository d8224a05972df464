/**
 * Which calibration input a row is (the built-in reader's rule, engine/inputs.ts): the first shape
 * whose key the row has. One place, so the fast path (engine/duckdb/fast.ts) decides it the same way.
 */
import type { CalibrationInput } from '../analysis/types';

export type CalibrationShape = CalibrationInput['kind'];

export function calibrationShape(v: Record<string, unknown>): CalibrationShape | undefined {
  if ('chosen_score' in v || 'rejected_score' in v) return 'pairs';
  if ('probs' in v || 'logits' in v) return 'multiclass';
  if ('confidence' in v || 'correct' in v) return 'top-label';
  if ('prob' in v) return 'binary';
  return undefined;
}
