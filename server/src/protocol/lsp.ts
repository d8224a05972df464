/**
 * Custom LSP requests and notifications between the extension client and the language server.
 * Both sides import this module: method names, parameter and result types, and runtime checks.
 */
import { object, str, bool, optional, recordOf, unknownValue, type Checked } from './check';

export const Methods = {
  /** Request (client -> server): the server's state, for the status bar and tests. */
  status: 'rlhfLens/status',
  /** Notification (client -> server): whether the workspace is trusted; analyses run only when it is. */
  setTrust: 'rlhfLens/setTrust',
  /** Request (client -> server): run one analysis on one data file in the background worker. */
  analyze: 'rlhfLens/analyze',
} as const;

export const StatusResult = object({
  version: str,
  trusted: bool,
  openDocuments: optional(unknownValue),
});
export type StatusResult = Checked<typeof StatusResult>;

export const SetTrustParams = object({ trusted: bool });
export type SetTrustParams = Checked<typeof SetTrustParams>;

export const AnalyzeParams = object({
  analysis: str,
  /** Absolute file path inside the workspace. */
  path: str,
  options: optional(recordOf(unknownValue)),
});
export type AnalyzeParams = Checked<typeof AnalyzeParams>;

/** Initialization options the client passes to the server. */
export const InitializationOptions = object({
  trusted: optional(bool),
  storagePath: optional(str),
});
export type InitializationOptions = Checked<typeof InitializationOptions>;
