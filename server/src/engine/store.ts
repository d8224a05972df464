/**
 * The engine's database (sql.js, SQLite compiled to wasm): analysis results keyed by the content
 * hash of their inputs, the history of runs, and a summary of each ingested file (never its rows).
 *
 * Invariants: the file on disk is always a complete database. Writes go to a temp file that is
 * fsynced and renamed over the old one. A file that does not open as a database (truncated,
 * overwritten) is renamed aside to `<file>.corrupt-<timestamp>` and a fresh one is created; the
 * caller learns about it through `recovered`, it is never a crash. Without a path the database
 * lives in memory only. Several processes writing one file: the last writer wins (whole-file
 * replace), which loses at most a cache entry, never consistency.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import initSqlJs, { type Database, type SqlJsStatic } from 'sql.js';
import type { Skipped } from '../ingest/rows';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS results (
  analysis TEXT NOT NULL,
  input_hash TEXT NOT NULL,
  options_hash TEXT NOT NULL,
  path TEXT NOT NULL,
  result_json TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (analysis, input_hash, options_hash)
);
CREATE TABLE IF NOT EXISTS runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  analysis TEXT NOT NULL,
  path TEXT NOT NULL,
  input_hash TEXT,
  options_hash TEXT,
  status TEXT NOT NULL,
  cached INTEGER NOT NULL DEFAULT 0,
  rows_read INTEGER,
  skipped INTEGER,
  duration_ms REAL,
  error TEXT,
  started_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS run_summaries (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  path TEXT NOT NULL,
  input_hash TEXT NOT NULL,
  config_hash TEXT NOT NULL,
  summary_json TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS run_summaries_path ON run_summaries (path, id);
CREATE TABLE IF NOT EXISTS check_results (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  pipeline TEXT NOT NULL,
  stage TEXT NOT NULL,
  check_index INTEGER NOT NULL,
  analysis TEXT NOT NULL,
  input_hash TEXT NOT NULL,
  config_hash TEXT NOT NULL,
  status TEXT NOT NULL,
  verdicts_json TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS check_results_check ON check_results (pipeline, stage, check_index, id);
CREATE TABLE IF NOT EXISTS summaries (
  input_hash TEXT PRIMARY KEY,
  path TEXT NOT NULL,
  format TEXT NOT NULL,
  rows_read INTEGER NOT NULL,
  skipped_json TEXT NOT NULL,
  created_at TEXT NOT NULL
);
`;

let sqlPromise: Promise<SqlJsStatic> | undefined;

/** The sql-wasm.wasm beside the bundle (dist/server), else the one in node_modules (tests, tsx). */
function wasmPath(): string {
  const beside = path.join(__dirname, 'sql-wasm.wasm');
  if (fs.existsSync(beside)) return beside;
  return require.resolve('sql.js/dist/sql-wasm.wasm');
}

function loadSql(): Promise<SqlJsStatic> {
  sqlPromise ??= initSqlJs({ wasmBinary: fs.readFileSync(wasmPath()) as unknown as ArrayBuffer });
  return sqlPromise;
}

export interface StoredResult {
  result: Record<string, unknown>;
  createdAt: string;
}

export interface RunRecord {
  analysis: string;
  path: string;
  inputHash?: string;
  optionsHash?: string;
  status: 'ok' | 'error' | 'cancelled';
  cached?: boolean;
  rowsRead?: number;
  skipped?: number;
  durationMs?: number;
  error?: string;
}

export interface SourceSummary {
  inputHash: string;
  path: string;
  format: string;
  rowsRead: number;
  skipped: Skipped;
}

/** A training run's summary as `compare` computed it, kept so later runs can be compared with it. */
export interface RunSummaryRecord {
  name: string;
  /** The run folder or log file, absolute. */
  path: string;
  /** sha256 of the run's log (and every file in its folder for an MLflow run). */
  inputHash: string;
  /** sha256 of its recorded hyperparameters (canonical JSON). */
  configHash: string;
  /** The run's `compare` entry: steps and per-metric figures; and its hyperparameters. */
  summary: Record<string, unknown>;
}

/** A pipeline check's verdicts, kept with the hashes of what it read and of how it was configured. */
export interface CheckResultRecord {
  /** The pipeline file, absolute. */
  pipeline: string;
  stage: string;
  checkIndex: number;
  analysis: string;
  /** sha256 of the check's data, reference and baseline (a run's log) files. */
  inputHash: string;
  /** sha256 of the check's analysis, paths, options and asserts (canonical JSON). */
  configHash: string;
  status: 'passed' | 'failed' | 'error';
  verdicts: unknown[];
}

/** Writes `data` to `file` so that `file` is either the old or the new content, never a mix. */
export function writeFileAtomic(file: string, data: Uint8Array): void {
  const dir = path.dirname(file);
  fs.mkdirSync(dir, { recursive: true });
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  const fd = fs.openSync(tmp, 'w', 0o600);
  try {
    fs.writeSync(fd, data);
    fs.fsyncSync(fd);
  } catch (err) {
    // A full disk: leave no partial temp file behind (the target is untouched).
    fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw err;
  }
  fs.closeSync(fd);
  try {
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
  // Persist the rename itself (not supported on every platform; best effort there).
  try {
    const dfd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(dfd);
    } finally {
      fs.closeSync(dfd);
    }
  } catch {
    /* directories cannot be fsynced on Windows */
  }
}

export class Store {
  private constructor(
    private readonly db: Database,
    /** Where the database is persisted; undefined for in-memory. */
    readonly file: string | undefined,
    /** Set when an unreadable database file was renamed aside: the path it was moved to. */
    readonly recovered: string | undefined,
  ) {}

  static async open(file?: string): Promise<Store> {
    const SQL = await loadSql();
    if (!file) return Store.init(new SQL.Database(), undefined, undefined);
    let bytes: Buffer | undefined;
    try {
      bytes = fs.readFileSync(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    if (bytes && bytes.length > 0) {
      try {
        const db = new SQL.Database(bytes);
        // sql.js opens lazily: a query is what detects a corrupt file.
        const check = db.exec('PRAGMA integrity_check');
        if (check[0]?.values[0]?.[0] !== 'ok') throw new Error(`integrity check: ${String(check[0]?.values[0]?.[0])}`);
        return Store.init(db, file, undefined);
      } catch {
        const aside = `${file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
        fs.renameSync(file, aside);
        const store = Store.init(new SQL.Database(), file, aside);
        store.persist();
        return store;
      }
    }
    const store = Store.init(new SQL.Database(), file, undefined);
    store.persist();
    return store;
  }

  private static init(db: Database, file: string | undefined, recovered: string | undefined): Store {
    db.exec(SCHEMA);
    return new Store(db, file, recovered);
  }

  getResult(analysis: string, inputHash: string, optionsHash: string): StoredResult | undefined {
    const stmt = this.db.prepare('SELECT result_json, created_at FROM results WHERE analysis = ? AND input_hash = ? AND options_hash = ?');
    try {
      stmt.bind([analysis, inputHash, optionsHash]);
      if (!stmt.step()) return undefined;
      const [json, createdAt] = stmt.get() as [string, string];
      return { result: JSON.parse(json) as Record<string, unknown>, createdAt };
    } finally {
      stmt.free();
    }
  }

  putResult(analysis: string, inputHash: string, optionsHash: string, file: string, result: object): void {
    this.db.run('INSERT OR REPLACE INTO results (analysis, input_hash, options_hash, path, result_json, created_at) VALUES (?, ?, ?, ?, ?, ?)', [
      analysis,
      inputHash,
      optionsHash,
      file,
      JSON.stringify(result),
      new Date().toISOString(),
    ]);
    this.persist();
  }

  putSummary(s: SourceSummary): void {
    this.db.run('INSERT OR REPLACE INTO summaries (input_hash, path, format, rows_read, skipped_json, created_at) VALUES (?, ?, ?, ?, ?, ?)', [
      s.inputHash,
      s.path,
      s.format,
      s.rowsRead,
      JSON.stringify(s.skipped),
      new Date().toISOString(),
    ]);
    this.persist();
  }

  getSummary(inputHash: string): SourceSummary | undefined {
    const rows = this.db.exec('SELECT path, format, rows_read, skipped_json FROM summaries WHERE input_hash = ?', [inputHash]);
    const r = rows[0]?.values[0];
    if (!r) return undefined;
    return { inputHash, path: String(r[0]), format: String(r[1]), rowsRead: Number(r[2]), skipped: JSON.parse(String(r[3])) as Skipped };
  }

  recordRun(run: RunRecord): void {
    this.db.run(
      'INSERT INTO runs (analysis, path, input_hash, options_hash, status, cached, rows_read, skipped, duration_ms, error, started_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [run.analysis, run.path, run.inputHash ?? null, run.optionsHash ?? null, run.status, run.cached ? 1 : 0, run.rowsRead ?? null, run.skipped ?? null, run.durationMs ?? null, run.error ?? null, new Date().toISOString()],
    );
    this.persist();
  }

  /**
   * Records a run summary unless the latest one of the same path has the same input and config
   * hashes (an unchanged run is not recorded twice). Returns whether a row was added.
   */
  putRunSummary(r: RunSummaryRecord): boolean {
    const latest = this.runSummaries(r.path, 1)[0];
    if (latest && latest.inputHash === r.inputHash && latest.configHash === r.configHash) return false;
    this.db.run('INSERT INTO run_summaries (name, path, input_hash, config_hash, summary_json, created_at) VALUES (?, ?, ?, ?, ?, ?)', [
      r.name,
      r.path,
      r.inputHash,
      r.configHash,
      JSON.stringify(r.summary),
      new Date().toISOString(),
    ]);
    this.persist();
    return true;
  }

  /** Run summaries, newest first; of one path when given. */
  runSummaries(runPath?: string, limit = 50): (RunSummaryRecord & { id: number; createdAt: string })[] {
    const res = runPath
      ? this.db.exec('SELECT id, name, path, input_hash, config_hash, summary_json, created_at FROM run_summaries WHERE path = ? ORDER BY id DESC LIMIT ?', [runPath, limit])
      : this.db.exec('SELECT id, name, path, input_hash, config_hash, summary_json, created_at FROM run_summaries ORDER BY id DESC LIMIT ?', [limit]);
    return (res[0]?.values ?? []).map((v) => ({
      id: Number(v[0]),
      name: String(v[1]),
      path: String(v[2]),
      inputHash: String(v[3]),
      configHash: String(v[4]),
      summary: JSON.parse(String(v[5])) as Record<string, unknown>,
      createdAt: String(v[6]),
    }));
  }

  /** Records a check's verdicts unless its latest record has the same hashes and status. Returns whether a row was added. */
  putCheckResult(r: CheckResultRecord): boolean {
    const latest = this.checkResults(r.pipeline, r.stage, r.checkIndex, 1)[0];
    if (latest && latest.inputHash === r.inputHash && latest.configHash === r.configHash && latest.status === r.status) return false;
    this.db.run('INSERT INTO check_results (pipeline, stage, check_index, analysis, input_hash, config_hash, status, verdicts_json, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)', [
      r.pipeline,
      r.stage,
      r.checkIndex,
      r.analysis,
      r.inputHash,
      r.configHash,
      r.status,
      JSON.stringify(r.verdicts),
      new Date().toISOString(),
    ]);
    this.persist();
    return true;
  }

  /** A check's recorded results, newest first. */
  checkResults(pipeline: string, stage: string, checkIndex: number, limit = 50): (CheckResultRecord & { id: number; createdAt: string })[] {
    const res = this.db.exec(
      'SELECT id, pipeline, stage, check_index, analysis, input_hash, config_hash, status, verdicts_json, created_at FROM check_results WHERE pipeline = ? AND stage = ? AND check_index = ? ORDER BY id DESC LIMIT ?',
      [pipeline, stage, checkIndex, limit],
    );
    return (res[0]?.values ?? []).map((v) => ({
      id: Number(v[0]),
      pipeline: String(v[1]),
      stage: String(v[2]),
      checkIndex: Number(v[3]),
      analysis: String(v[4]),
      inputHash: String(v[5]),
      configHash: String(v[6]),
      status: String(v[7]) as CheckResultRecord['status'],
      verdicts: JSON.parse(String(v[8])) as unknown[],
      createdAt: String(v[9]),
    }));
  }

  /** The most recent runs, newest first. */
  history(limit = 50): (RunRecord & { id: number; startedAt: string })[] {
    const res = this.db.exec('SELECT id, analysis, path, input_hash, options_hash, status, cached, rows_read, skipped, duration_ms, error, started_at FROM runs ORDER BY id DESC LIMIT ?', [limit]);
    return (res[0]?.values ?? []).map((r) => ({
      id: Number(r[0]),
      analysis: String(r[1]),
      path: String(r[2]),
      ...(r[3] !== null ? { inputHash: String(r[3]) } : {}),
      ...(r[4] !== null ? { optionsHash: String(r[4]) } : {}),
      status: String(r[5]) as RunRecord['status'],
      cached: r[6] === 1,
      ...(r[7] !== null ? { rowsRead: Number(r[7]) } : {}),
      ...(r[8] !== null ? { skipped: Number(r[8]) } : {}),
      ...(r[9] !== null ? { durationMs: Number(r[9]) } : {}),
      ...(r[10] !== null ? { error: String(r[10]) } : {}),
      startedAt: String(r[11]),
    }));
  }

  close(): void {
    this.db.close();
  }

  /**
   * Called when the database cannot be written (disk full, folder gone read-only): the results stay
   * in memory and the next write tries again. Reported once per failing streak. Unset: the error is thrown.
   */
  onSaveFailed: ((file: string, message: string) => void) | undefined;
  private saveFailing = false;

  private persist(): void {
    if (!this.file) return;
    try {
      writeFileAtomic(this.file, this.db.export());
      this.saveFailing = false;
    } catch (err) {
      if (!this.onSaveFailed) throw err;
      if (!this.saveFailing) this.onSaveFailed(this.file, (err as Error).message);
      this.saveFailing = true;
    }
  }
}
