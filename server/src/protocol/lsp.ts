/**
 * Custom LSP requests and notifications between the extension client and the language server.
 * Both sides import this module: method names, parameter and result types, and runtime checks.
 */
import { object, str, num, bool, literal, optional, recordOf, unknownValue, type Checked } from './check';
import type { DashboardData } from './webview';

export const Methods = {
  /** Request (client -> server): the server's state, for the status bar and tests. */
  status: 'rlhfLens/status',
  /** Notification (client -> server): whether the workspace is trusted; analyses run only when it is. */
  setTrust: 'rlhfLens/setTrust',
  /** Notification (client -> server): connection credentials from SecretStorage, sealed (connections/secrets.ts). */
  connectionSecrets: 'rlhfLens/connectionSecrets',
  /** Request (client -> server): run one analysis on one data file in the background worker. */
  analyze: 'rlhfLens/analyze',
  /** Request (client -> server): follow a training log being written (trainer_state.json or JSONL); updates arrive as trainingUpdate. */
  followTraining: 'rlhfLens/followTraining',
  /** Request (client -> server): stop following a training log. */
  unfollowTraining: 'rlhfLens/unfollowTraining',
  /** Request (client -> server): evaluate one pipeline check now (the "Run check" code lens). */
  runCheck: 'rlhfLens/runCheck',
  /** Request (client -> server): check every config file of the workspace folders and publish their problems. */
  validateWorkspace: 'rlhfLens/validateWorkspace',
  /** Request (client -> server): the data of a dashboard, computed on the server from the evaluation it keeps (the extension host only forwards it to the panel). */
  dashboard: 'rlhfLens/dashboard',
  /** Notification (server -> client): new points of a followed training log. */
  trainingUpdate: 'rlhfLens/trainingUpdate',
  /** Request (client -> server): the workspace's config files, data files and pipeline checks, for the RLHF Lens views. */
  workspaceOverview: 'rlhfLens/workspaceOverview',
  /** Request (client -> server): one data file's format, row count, columns and inferred shape. */
  dataFileInfo: 'rlhfLens/dataFileInfo',
  /** Request (client -> server): the training wizard's estimates for a form, and the YAML to write (protocol/wizard.ts). */
  trainingPlan: 'rlhfLens/trainingPlan',
  /** Request (client -> server): the engine's figures about one config document, for the chat participant. */
  configFacts: 'rlhfLens/configFacts',
  /** Request (client -> server): the workspace folder's `.rlhf-lens.yaml` text with `hardware:` set ("Declare Your Hardware"). */
  hardwareSettings: 'rlhfLens/hardwareSettings',
} as const;

export const StatusResult = object({
  version: str,
  trusted: bool,
  openDocuments: optional(unknownValue),
});
export type StatusResult = Checked<typeof StatusResult>;

export const ValidateWorkspaceResult = object({ files: num, errors: num, warnings: num });
export type ValidateWorkspaceResult = Checked<typeof ValidateWorkspaceResult>;

export const SetTrustParams = object({ trusted: bool });
export type SetTrustParams = Checked<typeof SetTrustParams>;

/** `sealed`: base64 of AES-256-GCM iv, tag and the JSON {connection: {user?, password?}} (connections/secrets.ts). */
export const ConnectionSecretsParams = object({ sealed: str });
export type ConnectionSecretsParams = Checked<typeof ConnectionSecretsParams>;

export const AnalyzeParams = object({
  analysis: str,
  /** Absolute file path inside the workspace. */
  path: str,
  options: optional(recordOf(unknownValue)),
  /** LSP work-done progress token (progress reports "rows read"). */
  workDoneToken: optional(unknownValue),
});
export type AnalyzeParams = Checked<typeof AnalyzeParams>;

/** The answer to `rlhfLens/analyze`: the analysis result (fields of docs/analyses.md) and how it was obtained. */
export interface AnalyzeResult {
  analysis: string;
  /** Data file(s) read. */
  files: string[];
  format: string;
  rowsRead: number;
  skipped: { count: number; first: { line: number; reason: string }[] };
  /** Answered from the store: the inputs' content hash and the options were seen before. */
  cached: boolean;
  inputHash: string;
  durationMs: number;
  result: Record<string, unknown>;
}

/** Error codes of `rlhfLens/analyze` (besides LSP's RequestCancelled and ContentModified). */
export const AnalyzeErrorCodes = {
  /** The workspace is not trusted, or analyses are turned off. */
  notAllowed: 1001,
  /** The data file or options cannot be used (the message says why). */
  badInput: 1002,
  /** The analysis worker crashed; it is restarted for the next request. */
  workerCrashed: 1003,
} as const;

export const RunCheckParams = object({
  /** The pipeline document. */
  uri: str,
  stageId: str,
  /** Index in the stage's `checks`; all checks of the stage when absent. */
  checkIndex: optional(num),
});
export type RunCheckParams = Checked<typeof RunCheckParams>;

/** One evaluated check: each assert's measured value and verdict, or why it could not run. */
export interface CheckResult {
  stageId: string;
  checkIndex: number;
  analysis: string;
  passed: boolean;
  /** Baseline asserts add max_vs_baseline / min_vs_baseline, baseline, limit and noise (docs/engine.md#baselines). */
  asserts: { metric: string; label: string; value: number | null; min?: number; max?: number; max_vs_baseline?: string | number; min_vs_baseline?: string | number; baseline?: number; limit?: number; noise?: number; passed: boolean; message: string }[];
  error?: string;
}

export const FollowTrainingParams = object({ path: str });
export type FollowTrainingParams = Checked<typeof FollowTrainingParams>;

/** New points of a followed log: [step, value] pairs per metric, in log order. */
export interface TrainingUpdateParams {
  path: string;
  points: Record<string, [number, number][]>;
  /** The file was replaced or truncated: drop earlier points before adding these. */
  reset: boolean;
}

/** Initialization options the client passes to the server. */
export const InitializationOptions = object({
  trusted: optional(bool),
  storagePath: optional(str),
});
export type InitializationOptions = Checked<typeof InitializationOptions>;

export const DataFileInfoParams = object({ path: str });
export type DataFileInfoParams = Checked<typeof DataFileInfoParams>;

/** One data file as the readers see it (server/src/workspace/data-files.ts). */
export interface DataFileInfo {
  path: string;
  format: string;
  /** Rows the readers yield; null when the file is too large to count. */
  rows: number | null;
  skipped: number;
  bytes: number;
  columns: string[];
  /** `shape` id, a label for people, the TrainingConfig `dataset.format` it meets, the analyses it fits. */
  shape: { shape: string; label: string; trainingFormat?: string; analyses: string[] };
  error?: string;
}

/** One config file of the workspace: its kind(s) and name. Problem counts come from the published diagnostics. */
export interface OverviewConfig {
  path: string;
  kinds: string[];
  name?: string;
}

/** One `checks` entry of a pipeline, with its last result when the server evaluated it (the pipeline is or was open). */
export interface OverviewCheck {
  stageId: string;
  checkIndex: number;
  analysis: string;
  data?: string;
  /** 0-based line of the check in the pipeline file. */
  line: number;
  /** Why it cannot run (no data, an expression in a path, ...). */
  problem?: string;
  result?: CheckResult;
}

export interface OverviewPipeline {
  path: string;
  name?: string;
  checks: OverviewCheck[];
}

export interface WorkspaceOverview {
  trusted: boolean;
  configs: OverviewConfig[];
  dataFiles: DataFileInfo[];
  pipelines: OverviewPipeline[];
}

/** One figure the engine computed, for the `@rlhf-lens` chat participant (client/src/chat/prompt.ts). */
export interface ChatFact {
  topic: 'memory' | 'ab' | 'training' | 'compare' | 'problems' | 'config';
  label: string;
  value: string;
  /** Workspace-relative file the figure is about. */
  source: string;
}

export const ConfigFactsParams = object({ uri: str });
export type ConfigFactsParams = Checked<typeof ConfigFactsParams>;

/** What a dashboard shows: a pipeline's phase dashboard, or one analysis of one file. */
export const DASHBOARD_KINDS = ['pipeline', 'calibration', 'ab', 'training', 'agreement', 'latency', 'drift'] as const;

export const DashboardParams = object({
  /** The pipeline (or data / Experiment file) as a file URI; an open document's unsaved text is used. */
  uri: str,
  /** Default `pipeline`. */
  kind: optional(literal(...DASHBOARD_KINDS)),
  /** Calibration bins chosen in the view. */
  bins: optional(num),
  /** Only this section (a re-bin answers `{calibration}` alone, not the whole dashboard). */
  section: optional(literal('calibration')),
  /** drift: the reference sample (absolute path) and the column compared; latency: the group column. */
  reference: optional(str),
  column: optional(str),
  group_by: optional(str),
});
export type DashboardParams = Checked<typeof DashboardParams>;

/** The whole dashboard, or with `section` only that part of it. */
export type DashboardResult = DashboardData | Partial<DashboardData>;

export const HardwareSettingsParams = object({ folder: str, hardware: object({ gpus: num, gpu_memory: str, gpu: str }) });
export type HardwareSettingsParams = Checked<typeof HardwareSettingsParams>;
/** The new `.rlhf-lens.yaml` of a workspace folder with `hardware:` set. */
export interface HardwareSettingsResult {
  file: string;
  text: string;
}
