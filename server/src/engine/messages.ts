/** Messages between the language server and its analysis worker (structured-clone data only). */
import type { AnalyzeRequest } from './analyze';
import type { AnalysisOutcome } from './run';
import type { HistoryTail } from './follow';

/**
 * `cancel`: stop job `id` gracefully (a query on a connection is killed on its server) before the worker is terminated.
 * `history`: parse a followed trainer_state.json and send back its log_history past `from` entries (engine/follow.ts).
 */
export type ToWorker =
  /** `secrets`: connection credentials from the editor (in memory only; connections/secrets.ts). */
  | { type: 'run'; id: number; request: AnalyzeRequest; secrets?: Record<string, string> }
  | { type: 'cancel'; id: number }
  | { type: 'history'; id: number; file: string; from: number };

export type ErrorKind = 'input' | 'option' | 'analysis' | 'internal';

export type FromWorker =
  /** The worker has loaded and begun the job: the job's time budget starts here, not at worker boot. */
  | { type: 'started'; id: number }
  | { type: 'progress'; id: number; rowsRead: number }
  | { type: 'done'; id: number; outcome: AnalysisOutcome }
  | { type: 'history'; id: number; tail: HistoryTail | undefined }
  /** `column`: a column the job's source (a connection's table) does not have, for the editor's check/unknown-column. */
  | { type: 'failed'; id: number; kind: ErrorKind; message: string; column?: string };

export const TEST_HOOKS_ENV = 'RLHF_LENS_TEST_HOOKS';
