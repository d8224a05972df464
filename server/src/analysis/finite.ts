/** Guards that turn non-finite input into a clear AnalysisError instead of a NaN figure. */
import { AnalysisError } from './types';

/** Throws unless every value is a finite number; names the column and the 1-based row. */
export function requireFinite(values: ArrayLike<number>, column: string): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]!)) throw new AnalysisError(`row ${i + 1}: ${column} is ${values[i]}, not a finite number`, 'shape');
  }
}
