/**
 * What every reader yields and how bad input is reported.
 *
 * Invariants: a reader never throws for a bad row (it is skipped and counted in a SkipLog), and
 * throws IngestError only when the file as a whole cannot be read (missing, not the format it
 * claims, no usable rows). Readers keep no rows: memory is bounded by the caller.
 */

/** One record of a data file, with the 1-based line (or, for JSON documents, entry) it came from. */
export interface SourceRow {
  line: number;
  value: Record<string, unknown>;
}

export interface SkippedRow {
  line: number;
  reason: string;
}

/** The `skipped` field of every analysis result. */
export interface Skipped {
  count: number;
  first: SkippedRow[];
}

/**
 * A reason can quote the bad line (JSON.parse does): control and bidi-override characters are
 * written as \uXXXX so a hostile file cannot send terminal escapes to the CLI's stderr or reorder
 * text in the editor.
 */
function visible(reason: string): string {
  return reason.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Counts skipped rows and keeps the first few reasons (enough to find the problem, bounded in memory). */
export class SkipLog {
  count = 0;
  readonly first: SkippedRow[] = [];
  constructor(readonly keep = 10) {}

  add(line: number, reason: string): void {
    this.count++;
    if (this.first.length < this.keep) this.first.push({ line, reason: visible(reason) });
  }

  /** The first skipped row as messages quote it, ` (line N: reason)`, or '' when none was skipped. */
  firstExample(): string {
    const first = this.first[0];
    return first ? ` (line ${first.line}: ${first.reason})` : '';
  }

  toJSON(): Skipped {
    return { count: this.count, first: [...this.first] };
  }
}

/** A file that cannot be used at all. The message names the file and says why. */
export class IngestError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
    this.name = 'IngestError';
  }
}

/** Data formats the readers understand. */
export type DataFormat = 'jsonl' | 'csv' | 'tsv' | 'json' | 'trainer_state' | 'mlflow' | 'tfevents' | 'parquet' | 'wandb' | 'arrow';

export const DATA_FORMATS: readonly DataFormat[] = ['jsonl', 'csv', 'tsv', 'json', 'trainer_state', 'mlflow', 'tfevents', 'parquet', 'wandb', 'arrow'];
