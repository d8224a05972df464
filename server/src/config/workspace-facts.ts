/**
 * What rules may know about other files. Rules never read files: the language server and the CLI
 * pass an implementation (server/src/workspace/) that answers from disk, open editors and a cache.
 * Every answer may be `undefined` when it is not known (file unreadable, not indexed yet).
 */
import type { ConfigKind } from './kind';

export interface DataFileSample {
  /** Column names seen in the first rows (union of keys for JSONL, header for CSV/TSV). */
  columns: string[];
  /** The first rows, parsed. */
  rows: Record<string, unknown>[];
  /** Total rows when cheaply countable, else undefined. */
  rowCount?: number;
}

export interface WorkspaceFacts {
  /** True when a file or folder exists at the absolute path. */
  exists(absPath: string): boolean;
  /** The config kind of a YAML file, `null` when it is not an RLHF Lens config, undefined when unknown. */
  configKind(absPath: string): ConfigKind | null | undefined;
  /** A sample of a data file (JSONL, CSV, TSV, JSON array), undefined when unreadable. */
  dataSample(absPath: string): DataFileSample | undefined;
  /** The parsed content of a small JSON file (a DeepSpeed config, LLaMA-Factory's dataset_info.json), undefined when absent or not JSON. */
  jsonFile?(absPath: string): unknown;
  /**
   * The connection names visible from a config file (the `.rlhf-lens.yaml` found as the rule settings
   * are) and that file; undefined when not known (rules stay silent).
   */
  connections?(configPath: string): { names: string[]; file: string | undefined } | undefined;
}

/** Facts for when nothing is known about other files: cross-file rules stay silent. */
export const NO_FACTS: WorkspaceFacts = {
  exists: () => true,
  configKind: () => undefined,
  dataSample: () => undefined,
};
