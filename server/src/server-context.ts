/** What every LSP handler receives: the connection, the open documents and the server's settings. */
import type { Connection, TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { DEFAULT_PARSE_LIMITS, type ParseLimits } from './config/parse';
import { DEFAULT_RULE_TIME_BUDGET_MS } from './config/lint';
import type { FileSystemFacts } from './workspace/index';

export type RuleSeveritySetting = 'error' | 'warning' | 'information' | 'hint' | 'off';

/** The `rlhfLens.*` settings the server uses (package.json `contributes.configuration` declares them). */
export interface ServerSettings {
  /** Check config files as the user types. */
  validationEnabled: boolean;
  /** Delay between the last keystroke and validation, in milliseconds. */
  debounceMs: number;
  /** Severity overrides per rule id, from the editor settings (`.rlhf-lens.yaml` overrides these). */
  rules: Record<string, RuleSeveritySetting>;
  /** Run analyses and pipeline checks (only ever in trusted workspaces). */
  analysisEnabled: boolean;
  /** `rlhfLens.limits.*`: bounds on what a config file may make the parser do. */
  limits: ParseLimits;
  /** `rlhfLens.limits.ruleTimeBudgetMs`: time one rule may take on one document while typing. */
  ruleTimeBudgetMs: number;
}

export const DEFAULT_SETTINGS: ServerSettings = {
  validationEnabled: true,
  debounceMs: 25,
  rules: {},
  analysisEnabled: true,
  limits: DEFAULT_PARSE_LIMITS,
  ruleTimeBudgetMs: DEFAULT_RULE_TIME_BUDGET_MS,
};

/** A whole number within [min, max], else the default (a wrong setting must not disable a guard). */
function bounded(v: unknown, min: number, max: number, fallback: number): number {
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max ? v : fallback;
}

const SEVERITIES = new Set(['error', 'warning', 'information', 'hint', 'off']);

/** Reads the `rlhfLens` configuration section leniently: a wrong value falls back to its default. */
export function readSettings(raw: unknown): ServerSettings {
  const s = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const validation = (typeof s['validation'] === 'object' && s['validation'] !== null ? s['validation'] : {}) as Record<string, unknown>;
  const analysis = (typeof s['analysis'] === 'object' && s['analysis'] !== null ? s['analysis'] : {}) as Record<string, unknown>;
  const rules: Record<string, RuleSeveritySetting> = {};
  if (typeof s['rules'] === 'object' && s['rules'] !== null) {
    for (const [id, sev] of Object.entries(s['rules'] as Record<string, unknown>)) {
      if (typeof sev === 'string' && SEVERITIES.has(sev)) rules[id] = sev as RuleSeveritySetting;
    }
  }
  const debounce = validation['debounceMs'];
  const limits = (typeof s['limits'] === 'object' && s['limits'] !== null ? s['limits'] : {}) as Record<string, unknown>;
  const d = DEFAULT_PARSE_LIMITS;
  return {
    limits: {
      maxDocumentChars: bounded(limits['maxDocumentChars'], 1000, 100_000_000, d.maxDocumentChars),
      maxDocuments: bounded(limits['maxDocuments'], 1, 100_000, d.maxDocuments),
      maxNestingDepth: bounded(limits['maxNestingDepth'], 8, 4096, d.maxNestingDepth),
      maxAliasCount: bounded(limits['maxAliasCount'], 0, 1_000_000, d.maxAliasCount),
    },
    ruleTimeBudgetMs: bounded(limits['ruleTimeBudgetMs'], 10, 60_000, DEFAULT_RULE_TIME_BUDGET_MS),
    validationEnabled: validation['enable'] !== false,
    debounceMs: typeof debounce === 'number' && debounce >= 0 && debounce <= 2000 ? debounce : DEFAULT_SETTINGS.debounceMs,
    rules,
    analysisEnabled: analysis['enable'] !== false,
  };
}

export interface ServerContext {
  connection: Connection;
  documents: TextDocuments<TextDocument>;
  settings: ServerSettings;
  trusted: boolean;
  workspaceFolders: string[];
  /** Each workspace folder's `.rlhf-lens.yaml` (kind map, hardware, severities), shared by every handler. */
  project: import('./workspace/project-settings').ProjectSettings;
  /** The workspace file service: facts about files (kinds, data samples) with open buffers overriding the disk; every handler reads through it. */
  files: FileSystemFacts;
  /** Runs a handler body; an exception is logged and answered, never allowed to kill the server. */
  guard: <T>(what: string, fn: () => T) => T | undefined;
}
