/**
 * Follows a training log that is still being written and reports new points within a second:
 * fs.watch for promptness plus a 500 ms stat poll (fs.watch misses events on some file systems
 * and when the file is replaced).
 *
 * - JSONL logs: only the appended bytes are read; a trailing partial line waits for its newline.
 *   A file that shrank (truncated or replaced) is read again from the start with `reset`.
 * - trainer_state.json: rewritten whole at each save, so it is re-parsed (bounded by size) and only
 *   log_history entries past the ones already reported are sent; a shorter history means `reset`.
 *   The parse (up to MAX_TRAINER_STATE_BYTES) goes through a `HistoryReader`: the language server
 *   passes `historyInWorker`, so it runs in a worker thread, never on the thread that answers the editor.
 * - TensorBoard event files: appended like JSONL; only complete TFRecord frames are decoded, an
 *   incomplete last record waits for its remaining bytes.
 * - W&B runs (a run folder or its run-<id>.wandb log): appended like event files; only complete chunks
 *   are read (a record split over blocks is kept until its LAST chunk), history records become points.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { parsePythonJson } from '../ingest/python-json';
import { trainingPoints } from './inputs';
import { scanRecords } from '../ingest/tfrecord';
import { decodeEvent, eventRow, isEventFileName, type TagPlugins } from '../ingest/tfevents';
import { WandbScanner, decodeWandbRecord, findWandbRuns, historyRow, looksLikeWandbLog, openWandbRun } from '../ingest/wandb';
import type { FromWorker, ToWorker } from './messages';

export interface TrainingUpdate {
  points: Record<string, [number, number][]>;
  reset: boolean;
}

export const POLL_MS = 500;
/** Largest trainer_state.json re-parsed on each change. */
export const MAX_TRAINER_STATE_BYTES = 256 * 1024 * 1024;

/** The log_history of a trainer_state.json past `from` entries (all of it when it has fewer: a reset). */
export interface HistoryTail {
  length: number;
  fresh: Record<string, unknown>[];
}

/** Reads and parses a trainer_state.json (undefined when it is caught mid-write or has no log_history); `dispose` ends its worker. */
export interface HistoryReader {
  read(file: string, from: number): Promise<HistoryTail | undefined>;
  dispose?(): void;
}

function checkTrainerStateSize(file: string): void {
  const size = fs.statSync(file).size;
  if (size > MAX_TRAINER_STATE_BYTES) throw new Error(`larger than ${MAX_TRAINER_STATE_BYTES} bytes; not followed`);
}

/** The synchronous read and parse (what the worker runs; the CLI and unit tests may run it in-process). */
export function readHistoryTail(file: string, from: number): HistoryTail | undefined {
  checkTrainerStateSize(file);
  let doc: unknown;
  try {
    doc = parsePythonJson(fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, ''));
  } catch {
    return undefined; // caught mid-write; the next change completes it
  }
  const history = doc && typeof doc === 'object' ? (doc as Record<string, unknown>)['log_history'] : undefined;
  if (!Array.isArray(history)) return undefined;
  const entries = history.filter((e) => e && typeof e === 'object' && !Array.isArray(e)) as Record<string, unknown>[];
  return { length: entries.length, fresh: entries.length < from ? entries : entries.slice(from) };
}

export const inProcessHistory: HistoryReader = { read: async (file, from) => readHistoryTail(file, from) };

/**
 * Parses in a worker thread of its own (the analysis worker script, `history` messages), started on the
 * first read and kept until `dispose` so a save is answered without a worker start-up. Only the new
 * entries cross back. A worker that dies fails its read and is replaced on the next one.
 */
export function historyInWorker(workerFile: string, execArgv: string[] = []): HistoryReader {
  let worker: Worker | undefined;
  let nextId = 1;
  const pending = new Map<number, { resolve: (t: HistoryTail | undefined) => void; reject: (e: Error) => void }>();
  const failAll = (err: Error) => {
    for (const p of pending.values()) p.reject(err);
    pending.clear();
    worker = undefined;
  };
  const start = (): Worker => {
    const w = new Worker(workerFile, { execArgv, env: process.env });
    w.unref();
    w.on('message', (m: FromWorker) => {
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      if (m.type === 'history') p.resolve(m.tail);
      else if (m.type === 'failed') p.reject(new Error(m.message));
    });
    w.on('error', (err) => failAll(err));
    w.on('exit', (code) => {
      if (worker === w) failAll(new Error(`the worker reading trainer_state.json stopped (exit code ${code})`));
    });
    return w;
  };
  return {
    read: (file, from) =>
      new Promise((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve, reject });
        worker ??= start();
        worker.postMessage({ type: 'history', id, file, from } satisfies ToWorker);
      }),
    dispose: () => {
      const w = worker;
      worker = undefined;
      pending.clear();
      void w?.terminate();
    },
  };
}

const WANDB_FIRST_CHUNK = 7;

/** The `.wandb` log a followed path stands for (a `.wandb` file, a W&B run folder), or undefined. */
function wandbLogOf(file: string): string | undefined {
  if (file.endsWith('.wandb')) return file;
  try {
    if (!fs.statSync(file).isDirectory() || findWandbRuns(file).length !== 1) return undefined;
    return openWandbRun(file).log;
  } catch {
    return undefined;
  }
}

export class TrainingFollower {
  private watcher: fs.FSWatcher | undefined;
  private poll: NodeJS.Timeout | undefined;
  private offset = 0;
  private partial = '';
  private ordinal = 0;
  private entries = 0;
  private reading = false;
  private again = false;
  private lastSize = -1;
  private lastMtime = 0;
  readonly kind: 'jsonl' | 'trainer_state' | 'tfevents' | 'wandb';
  private plugins: TagPlugins = new Map();
  private wandb = new WandbScanner();
  private damaged = false;

  constructor(
    readonly file: string,
    private readonly onUpdate: (u: TrainingUpdate) => void,
    private readonly onError: (message: string) => void = () => undefined,
    /** How trainer_state.json is parsed (the server passes historyInWorker; stop() disposes it). */
    private readonly readHistory: HistoryReader = inProcessHistory,
  ) {
    // A W&B run folder is followed through its transaction log.
    const wandbLog = wandbLogOf(file);
    if (wandbLog) this.file = wandbLog;
    const name = path.basename(this.file);
    this.kind = wandbLog ? 'wandb' : isEventFileName(name) ? 'tfevents' : name.endsWith('.json') ? 'trainer_state' : 'jsonl';
  }

  /**
   * Starts at the current end of the file: only what is written once this resolves is reported. For a
   * trainer_state.json it resolves when the entries already there are counted (parsed off this thread).
   */
  async start(): Promise<void> {
    const st = fs.statSync(this.file);
    let initial: Promise<void> | undefined;
    if (this.kind === 'jsonl') {
      this.offset = st.size;
      this.ordinal = this.countLines();
    } else if (this.kind === 'tfevents') {
      // Complete records only: an incomplete tail is read again when the rest arrives.
      this.readEvents(st.size, false);
    } else if (this.kind === 'wandb') {
      this.readWandb(st.size, false);
    } else {
      // Refused at once when too large; the parse that counts the entries already there runs through readHistory.
      checkTrainerStateSize(this.file);
      this.reading = true;
      initial = this.readHistory.read(this.file, 0).then(
        (tail) => this.afterRead(() => (this.entries = tail?.length ?? 0)),
        (err: unknown) => this.afterRead(() => this.onError(`${this.file}: ${(err as Error).message}`)),
      );
    }
    this.lastSize = st.size;
    this.lastMtime = st.mtimeMs;
    try {
      this.watcher = fs.watch(this.file, () => this.check());
      this.watcher.on('error', () => undefined);
    } catch {
      // Polling alone still reports within POLL_MS.
    }
    this.poll = setInterval(() => this.check(), POLL_MS);
    await initial;
  }

  stop(): void {
    this.stopped = true;
    this.readHistory.dispose?.();
    this.watcher?.close();
    if (this.poll) clearInterval(this.poll);
    this.watcher = undefined;
    this.poll = undefined;
  }

  private countLines(): number {
    let n = 0;
    const fd = fs.openSync(this.file, 'r');
    try {
      const buf = Buffer.alloc(1 << 20);
      let pos = 0;
      for (;;) {
        const read = fs.readSync(fd, buf, 0, buf.length, pos);
        if (read === 0) break;
        for (let i = 0; i < read; i++) if (buf[i] === 10) n++;
        pos += read;
      }
    } finally {
      fs.closeSync(fd);
    }
    return n;
  }

  private check(): void {
    if (this.reading) {
      this.again = true;
      return;
    }
    let st: fs.Stats;
    try {
      st = fs.statSync(this.file);
    } catch {
      return; // being replaced; the next event or poll sees the new file
    }
    if (st.size === this.lastSize && st.mtimeMs === this.lastMtime) return;
    this.lastSize = st.size;
    this.lastMtime = st.mtimeMs;
    this.reading = true;
    if (this.kind === 'trainer_state') {
      void this.readHistory.read(this.file, this.entries).then(
        (tail) => this.afterRead(() => this.takeHistory(tail)),
        (err: unknown) => this.afterRead(() => this.onError(`${this.file}: ${(err as Error).message}`)),
      );
      return;
    }
    try {
      if (this.kind === 'jsonl') this.readAppended(st.size);
      else if (this.kind === 'wandb') this.readWandb(st.size, true);
      else this.readEvents(st.size, true);
    } catch (err) {
      this.onError(`${this.file}: ${(err as Error).message}`);
    }
    this.afterRead(() => undefined);
  }

  /** Ends a read (synchronous or not) and runs the check a change during it asked for. */
  private afterRead(f: () => void): void {
    if (this.stopped) return;
    try {
      f();
    } finally {
      this.reading = false;
    }
    if (this.again) {
      this.again = false;
      this.check();
    }
  }
  private stopped = false;

  /** A reset waits for the first new points: a rewrite is seen as "emptied" and then "filled". */
  private pendingReset = false;

  private emit(rows: Record<string, unknown>[], reset: boolean): void {
    if (reset) this.pendingReset = true;
    const points: Record<string, [number, number][]> = {};
    for (const row of rows) for (const [name, step, value] of trainingPoints(row, this.ordinal++)) (points[name] ??= []).push([step, value]);
    if (Object.keys(points).length === 0) return;
    this.onUpdate({ points, reset: this.pendingReset });
    this.pendingReset = false;
  }

  private readAppended(size: number): void {
    let reset = false;
    if (size < this.offset) {
      reset = true;
      this.offset = 0;
      this.partial = '';
      this.ordinal = 0;
    }
    if (size === this.offset && !reset) return;
    const fd = fs.openSync(this.file, 'r');
    let text: string;
    try {
      const buf = Buffer.alloc(size - this.offset);
      const read = fs.readSync(fd, buf, 0, buf.length, this.offset);
      this.offset += read;
      text = this.partial + buf.subarray(0, read).toString('utf8');
    } finally {
      fs.closeSync(fd);
    }
    const lines = text.split('\n');
    this.partial = lines.pop() ?? '';
    const rows: Record<string, unknown>[] = [];
    for (const line of lines) {
      const t = line.trim();
      if (!t) continue;
      try {
        const v = parsePythonJson(t);
        if (v && typeof v === 'object' && !Array.isArray(v)) rows.push(v as Record<string, unknown>);
      } catch {
        // A bad line in a live log is ignored here; the full analysis reports it as skipped.
      }
    }
    this.emit(rows, reset);
  }

  /** Decodes the complete TFRecord frames past `offset`; `send` false only positions at the end (start()). */
  private readEvents(size: number, send: boolean): void {
    let reset = false;
    if (size < this.offset) {
      reset = true;
      this.offset = 0;
      this.plugins = new Map();
      this.damaged = false;
    }
    if (this.damaged || (size === this.offset && !reset)) return;
    const fd = fs.openSync(this.file, 'r');
    let buf: Buffer;
    try {
      buf = Buffer.alloc(size - this.offset);
      buf = buf.subarray(0, fs.readSync(fd, buf, 0, buf.length, this.offset));
    } finally {
      fs.closeSync(fd);
    }
    const scan = scanRecords(buf, this.offset);
    this.offset += scan.consumed;
    const rows: Record<string, unknown>[] = [];
    for (const rec of scan.records) {
      try {
        const row = eventRow(decodeEvent(rec.data, this.plugins));
        if (row) rows.push(row);
      } catch {
        // A bad record in a live run is ignored here; the full analysis reports it as skipped.
      }
    }
    if (scan.corrupt) {
      // Past a damaged frame nothing can be framed again: say so once and stop reading this file.
      this.damaged = true;
      this.onError(`${this.file}: damaged TFRecord at byte ${scan.corrupt.offset}: ${scan.corrupt.reason}; following stopped`);
    }
    if (send) this.emit(rows, reset);
  }

  /** Reads the complete chunks past the scanner's position; `send` false only positions at the end (start()). */
  private readWandb(size: number, send: boolean): void {
    let reset = false;
    if (size < this.wandb.position) {
      reset = true;
      this.wandb = new WandbScanner();
      this.ordinal = 0;
    }
    if (size <= this.wandb.position && !reset) return;
    const fd = fs.openSync(this.file, 'r');
    let buf: Buffer;
    try {
      if (this.wandb.position === WANDB_FIRST_CHUNK) {
        const head = Buffer.alloc(WANDB_FIRST_CHUNK);
        if (fs.readSync(fd, head, 0, head.length, 0) < head.length) return; // the header is not written yet
        if (!looksLikeWandbLog(head)) throw new Error('not a W&B transaction log (no ":W&B" header); not followed');
      }
      buf = Buffer.alloc(Math.max(0, size - this.wandb.position));
      buf = buf.subarray(0, fs.readSync(fd, buf, 0, buf.length, this.wandb.position));
    } finally {
      fs.closeSync(fd);
    }
    const rows: Record<string, unknown>[] = [];
    for (const rec of this.wandb.scan(buf).records) {
      try {
        const d = decodeWandbRecord(rec.data);
        if (d.kind === 'history') rows.push(historyRow(d));
      } catch {
        // A bad record in a live run is ignored here; the full analysis reports it as skipped.
      }
    }
    if (send) this.emit(rows, reset);
  }

  private takeHistory(tail: HistoryTail | undefined): void {
    if (!tail) return;
    const reset = tail.length < this.entries;
    if (reset) this.ordinal = 0;
    this.entries = tail.length;
    this.emit(tail.fresh, reset);
  }
}
