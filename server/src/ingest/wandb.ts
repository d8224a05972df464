/**
 * Weights & Biases run folders (`wandb/run-<date>-<id>/`, `wandb/offline-run-<date>-<id>/`) as a
 * training-curve source. The history, config and summary come from the run's transaction log
 * `run-<id>.wandb`, as wandb writes it (Python `wandb/sdk/internal/datastore.py`, Go
 * `core/pkg/leveldb/record.go` and `core/internal/transactionlog/writer.go`):
 *
 * - a 7-byte file header: `:W&B`, magic 0xBEE1 (uint16 LE), version 0;
 * - then LevelDB-log framing in 32 KiB blocks counted from the start of the file (the header takes the
 *   first 7 bytes of block 0): chunks of `uint32 checksum | uint16 length | uint8 type | data`, type
 *   FULL=1, FIRST=2, MIDDLE=3, LAST=4; a chunk never crosses a block; fewer than 7 bytes left in a
 *   block are zero padding;
 * - the checksum is the standard CRC-32 (zlib's, IEEE polynomial) of the type byte followed by the
 *   data, unmasked: not LevelDB's masked CRC-32C (both writers use IEEE; the Go reader calls it
 *   CRCAlgoIEEE);
 * - each record is one `wandb_internal.Record` protobuf (`wandb/proto/wandb_internal.proto`):
 *   history = 2 (HistoryRecord: item = 1 {key = 1, nested_key = 2, value_json = 16}, step = 2 {num = 1}),
 *   summary = 3 and config = 5 (update = 1 / remove = 2 items of the same shape), run = 17
 *   (RunRecord: run_id = 1, project = 3, config = 4, display_name = 8), exit = 18 (exit_code = 1).
 *   Other record types (console output, system stats, telemetry, files, ...) are ignored.
 *
 * Damage is reported, never fatal: a chunk whose CRC does not match is skipped with its byte offset
 * and the reader resynchronises at the next block (LevelDB's recovery); a last record cut short (a
 * run still writing, or killed) is skipped with "the run may still be writing it".
 *
 * Runs without a `.wandb` file (older or synced-only folders) are read from `files/wandb-history.jsonl`,
 * `files/config.yaml` ({key: {value, desc}}) and `files/wandb-summary.json`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LineCounter, parseDocument, isMap, isScalar, type Node } from 'yaml';
import { ProtoReader, WIRE_LEN, WIRE_VARINT } from './protobuf';
import { crcTable } from './crc32c';
import { parsePythonJson } from './python-json';
import { readJsonl } from './jsonl';
import { IngestError, type SkipLog, type SourceRow } from './rows';
import { plural } from '../text/plural';

export const WANDB_BLOCK = 32 * 1024;
export const WANDB_CHUNK_HEADER = 7;
export const WANDB_FILE_HEADER = Buffer.from([0x3a, 0x57, 0x26, 0x42, 0xe1, 0xbe, 0x00]); // ":W&B", 0xBEE1 LE, version 0
const FULL = 1;
const FIRST = 2;
const MIDDLE = 3;
const LAST = 4;

// ------------------------------------------------------------------ CRC-32 (IEEE), seedable

const CRC_TABLE = crcTable(0xedb88320);

/** zlib's crc32(buf, seed): continues a CRC-32 from `seed` (0 for a fresh one). */
export function crc32(buf: Uint8Array, seed = 0, start = 0, end = buf.length): number {
  let c = (seed ^ 0xffffffff) >>> 0;
  for (let i = start; i < end; i++) c = CRC_TABLE[(c ^ buf[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** The CRC of each chunk type byte alone: the seed the data's CRC continues from (as datastore.py precomputes it). */
const TYPE_SEED = [0, 1, 2, 3, 4].map((t) => crc32(Uint8Array.of(t)));

// ------------------------------------------------------------------ framing

export interface WandbRecordBytes {
  /** Byte offset of the record's first chunk header in the file. */
  offset: number;
  data: Uint8Array;
}

export interface WandbProblem {
  offset: number;
  reason: string;
}

const hex = (n: number) => `0x${n.toString(16).padStart(8, '0')}`;

/**
 * Reads chunks from consecutive pieces of a `.wandb` file, keeping a record that spans blocks
 * (FIRST, MIDDLE..., LAST) across calls. Pure over the bytes it is given, so whole-file reading and
 * following a file that is still written share it: `scan` stops before an incomplete chunk, and the
 * caller passes the bytes from `position` on again once more have arrived.
 */
export class WandbScanner {
  /** Absolute offset of the next chunk to read. */
  position = WANDB_FILE_HEADER.length;
  private assembling: { offset: number; parts: Uint8Array[] } | undefined;

  /** Scans `buf`, which holds the file's bytes from `this.position` on. */
  scan(buf: Uint8Array): { records: WandbRecordBytes[]; problems: WandbProblem[] } {
    const records: WandbRecordBytes[] = [];
    const problems: WandbProblem[] = [];
    const base = this.position;
    const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    let p = 0;
    const toNextBlock = (abs: number) => abs - (abs % WANDB_BLOCK) + WANDB_BLOCK - base;
    const drop = (at: number, why: string) => {
      if (this.assembling) problems.push({ offset: this.assembling.offset, reason: `a record split over blocks is cut off at byte ${at} (${why}); it is skipped` });
      this.assembling = undefined;
    };
    for (;;) {
      const abs = base + p;
      const left = WANDB_BLOCK - (abs % WANDB_BLOCK);
      if (left < WANDB_CHUNK_HEADER) {
        // The block's trailer: zero padding up to the next block.
        if (buf.length - p < left) break;
        p += left;
        continue;
      }
      if (buf.length - p < WANDB_CHUNK_HEADER) break;
      const checksum = dv.getUint32(p, true);
      const length = dv.getUint16(p + 4, true);
      const type = dv.getUint8(p + 6);
      if (checksum === 0 && length === 0 && type === 0) {
        // A zeroed rest of block (preallocated or mmap-written files): nothing more in this block.
        if (buf.length - p < left) break;
        p += left;
        continue;
      }
      if (WANDB_CHUNK_HEADER + length > left) {
        problems.push({ offset: abs, reason: `chunk of ${length} bytes does not fit in its 32 KiB block (${left - WANDB_CHUNK_HEADER} bytes left): not a W&B chunk; the rest of the block is skipped` });
        drop(abs, 'damaged chunk');
        p = toNextBlock(abs);
        continue;
      }
      if (buf.length - p < WANDB_CHUNK_HEADER + length) break;
      const data = buf.subarray(p + WANDB_CHUNK_HEADER, p + WANDB_CHUNK_HEADER + length);
      if (type < FULL || type > LAST) {
        problems.push({ offset: abs, reason: `chunk type ${type} is not FULL, FIRST, MIDDLE or LAST; the rest of the block is skipped` });
        drop(abs, 'damaged chunk');
        p = toNextBlock(abs);
        continue;
      }
      const computed = crc32(data, TYPE_SEED[type]);
      if (computed !== checksum) {
        problems.push({ offset: abs, reason: `chunk CRC does not match (stored ${hex(checksum)}, computed ${hex(computed)}); the rest of the block is skipped` });
        drop(abs, 'damaged chunk');
        p = toNextBlock(abs);
        continue;
      }
      p += WANDB_CHUNK_HEADER + length;
      if (type === FULL) {
        drop(abs, 'a new record starts');
        records.push({ offset: abs, data });
      } else if (type === FIRST) {
        drop(abs, 'a new record starts');
        this.assembling = { offset: abs, parts: [Buffer.from(data)] };
      } else if (!this.assembling) {
        problems.push({ offset: abs, reason: `${type === MIDDLE ? 'MIDDLE' : 'LAST'} chunk without the FIRST chunk of its record; skipped` });
      } else if (type === MIDDLE) {
        this.assembling.parts.push(Buffer.from(data));
      } else {
        this.assembling.parts.push(data);
        records.push({ offset: this.assembling.offset, data: Buffer.concat(this.assembling.parts) });
        this.assembling = undefined;
      }
    }
    this.position = base + p;
    return { records, problems };
  }

  /** Where an unfinished record starts (bytes after it are kept for it), or undefined. */
  get pendingRecordOffset(): number | undefined {
    return this.assembling?.offset;
  }
}

/** Whether `head` (the first bytes of a file) is a W&B transaction log header; throws a reason when it is one of another version. */
export function checkWandbHeader(file: string, head: Uint8Array): void {
  if (head.length < WANDB_FILE_HEADER.length || Buffer.from(head.subarray(0, 4)).toString('latin1') !== ':W&B') {
    throw new IngestError(file, `is not a W&B transaction log (it does not start with ":W&B"${head.length < 7 ? `; it has ${plural(head.length, 'byte')}` : ''})`);
  }
  const magic = head[4]! | (head[5]! << 8);
  if (magic !== 0xbee1) throw new IngestError(file, `is not a W&B transaction log (magic 0x${magic.toString(16)} at byte 4, expected 0xbee1)`);
  if (head[6] !== 0) throw new IngestError(file, `is a W&B transaction log of version ${head[6]}; RLHF Lens reads version 0 (byte 6)`);
}

export function looksLikeWandbLog(head: Uint8Array): boolean {
  return head.length >= 7 && Buffer.from(head.subarray(0, 7)).equals(WANDB_FILE_HEADER);
}

// ------------------------------------------------------------------ records

export type WandbItem = [key: string, valueJson: string];

export type WandbRecord =
  | { kind: 'history'; items: WandbItem[]; step: number | undefined }
  | { kind: 'summary' | 'config'; update: WandbItem[]; remove: string[] }
  | { kind: 'run'; runId: string; project: string; displayName: string; config: WandbItem[] }
  | { kind: 'exit'; exitCode: number }
  | { kind: 'other'; field: number };

/** An item's key: `key`, or its `nested_key` parts joined with "." (as W&B's own viewer shows them). */
function item(r: ProtoReader): WandbItem {
  let key = '';
  const nested: string[] = [];
  let value = '';
  for (let t = r.tag(); t; t = r.tag()) {
    if (t.field === 1 && t.wire === WIRE_LEN) key = r.string();
    else if (t.field === 2 && t.wire === WIRE_LEN) nested.push(r.string());
    else if (t.field === 16 && t.wire === WIRE_LEN) value = r.string();
    else r.skip(t.wire);
  }
  return [nested.length ? nested.join('.') : key, value];
}

function updates(r: ProtoReader): { update: WandbItem[]; remove: string[] } {
  const update: WandbItem[] = [];
  const remove: string[] = [];
  for (let t = r.tag(); t; t = r.tag()) {
    if (t.field === 1 && t.wire === WIRE_LEN) update.push(item(r.message()));
    else if (t.field === 2 && t.wire === WIRE_LEN) remove.push(item(r.message())[0]);
    else r.skip(t.wire);
  }
  return { update, remove };
}

/** Decodes one Record (throws ProtobufError on malformed bytes). */
export function decodeWandbRecord(data: Uint8Array): WandbRecord {
  const r = new ProtoReader(data);
  let out: WandbRecord = { kind: 'other', field: 0 };
  for (let t = r.tag(); t; t = r.tag()) {
    if (t.wire !== WIRE_LEN || ![2, 3, 5, 17, 18].includes(t.field)) {
      if (t.field !== 1 && t.field !== 16 && t.field !== 19 && t.field !== 200 && out.kind === 'other') out = { kind: 'other', field: t.field };
      r.skip(t.wire);
      continue;
    }
    const m = r.message();
    if (t.field === 2) {
      const items: WandbItem[] = [];
      let step: number | undefined;
      for (let s = m.tag(); s; s = m.tag()) {
        if (s.field === 1 && s.wire === WIRE_LEN) items.push(item(m.message()));
        else if (s.field === 2 && s.wire === WIRE_LEN) {
          const st = m.message();
          step = 0;
          for (let u = st.tag(); u; u = st.tag()) if (u.field === 1 && u.wire === WIRE_VARINT) step = st.varint();
          else st.skip(u.wire);
        } else m.skip(s.wire);
      }
      out = { kind: 'history', items, step };
    } else if (t.field === 3 || t.field === 5) out = { kind: t.field === 3 ? 'summary' : 'config', ...updates(m) };
    else if (t.field === 17) {
      const run = { kind: 'run' as const, runId: '', project: '', displayName: '', config: [] as WandbItem[] };
      for (let s = m.tag(); s; s = m.tag()) {
        if (s.wire !== WIRE_LEN) m.skip(s.wire);
        else if (s.field === 1) run.runId = m.string();
        else if (s.field === 3) run.project = m.string();
        else if (s.field === 8) run.displayName = m.string();
        else if (s.field === 4) run.config = updates(m.message()).update;
        else m.skip(s.wire);
      }
      out = run;
    } else {
      let exitCode = 0;
      for (let s = m.tag(); s; s = m.tag()) if (s.field === 1 && s.wire === WIRE_VARINT) exitCode = m.varint();
      else m.skip(s.wire);
      out = { kind: 'exit', exitCode: exitCode > 2 ** 31 ? exitCode - 2 ** 32 : exitCode };
    }
  }
  return out;
}

/** A value_json as a value: JSON with Python's NaN/Infinity; text that is not JSON stays text. */
function jsonValue(text: string): unknown {
  try {
    return parsePythonJson(text);
  } catch {
    return text;
  }
}

/** The row a history record gives: its items by key, `_step` from the item or the record's step. */
export function historyRow(rec: { items: WandbItem[]; step: number | undefined }): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  if (rec.step !== undefined) row['_step'] = rec.step;
  for (const [k, v] of rec.items) if (k) row[k] = jsonValue(v);
  return row;
}

// ------------------------------------------------------------------ run folders

/** `run-20230421_071132-ts6cnbxo`, `offline-run-...`: the run id is the part after the last dash. */
const RUN_FOLDER = /^(?:offline-)?run-\d{8}_\d{6}-([A-Za-z0-9]+)$/;

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

function readdir(dir: string): fs.Dirent[] {
  try {
    return fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

/** The `.wandb` transaction log of a run folder (`run-<id>.wandb`, else the only `*.wandb`). */
function logOf(dir: string): string | undefined {
  const logs = readdir(dir)
    .filter((e) => e.name.endsWith('.wandb') && isFile(path.join(dir, e.name)))
    .map((e) => e.name)
    .sort();
  const id = RUN_FOLDER.exec(path.basename(dir))?.[1];
  const own = id ? logs.find((n) => n === `run-${id}.wandb`) : undefined;
  const name = own ?? logs[0];
  return name ? path.join(dir, name) : undefined;
}

/** A folder is a W&B run when it holds a `.wandb` log or a `files/wandb-history.jsonl`. */
export function isWandbRunDir(dir: string): boolean {
  return logOf(dir) !== undefined || isFile(path.join(dir, 'files', 'wandb-history.jsonl'));
}

/** The run folders of a `wandb/` folder (not `latest-run`, a link to one of them), oldest first (by the date in the name, online or offline). */
function runFoldersOf(dir: string): string[] {
  const when = (p: string) => path.basename(p).replace(/^offline-/, '');
  return readdir(dir)
    .filter((e) => (e.isDirectory() || e.isSymbolicLink()) && e.name !== 'latest-run' && RUN_FOLDER.test(e.name))
    .map((e) => path.join(dir, e.name))
    .filter(isWandbRunDir)
    .sort((a, b) => (when(a) < when(b) ? -1 : when(a) > when(b) ? 1 : 0));
}

/** The W&B runs `target` stands for: a `.wandb` file, a run folder, a `wandb/` folder, or a folder holding `wandb/`. */
export function findWandbRuns(target: string): string[] {
  if (isFile(target)) return target.endsWith('.wandb') ? [path.dirname(target)] : [];
  if (isWandbRunDir(target)) return [target];
  const here = runFoldersOf(target);
  if (here.length) return here;
  return runFoldersOf(path.join(target, 'wandb'));
}

/**
 * The files a W&B source's result depends on (its runs' logs and files/ config, history and summary),
 * for the content hash: a run folder also holds media, code and artifacts that do not change it.
 * Undefined when `target` is not a folder of W&B runs.
 */
export function wandbInputFiles(target: string): string[] | undefined {
  if (isFile(target)) return undefined;
  const runs = findWandbRuns(target);
  if (runs.length === 0) return undefined;
  return runs.flatMap((dir) => [logOf(dir), ...['config.yaml', 'wandb-history.jsonl', 'wandb-summary.json'].map((n) => path.join(dir, 'files', n))].filter((f): f is string => !!f && isFile(f)));
}

export function looksLikeWandb(target: string): boolean {
  return findWandbRuns(target).length > 0;
}

export interface WandbRun {
  dir: string;
  /** The `.wandb` transaction log, when the folder has one. */
  log?: string;
  /** `files/wandb-history.jsonl`, read when there is no log. */
  historyFile?: string;
  /** The run id (RunRecord.run_id, else from the folder name). */
  id: string;
  /** The display name when the run has one, else the id. */
  name: string;
  project: string;
  /** The config as the run recorded it (RunRecord.config then ConfigRecords; or files/config.yaml), `_wandb` left out. Filled while reading the log. */
  config: Record<string, unknown>;
  /** Where each config key was recorded: config.yaml with its line, or the `.wandb` log. */
  configSource: Record<string, { file: string; line?: number }>;
  /** The final summary (SummaryRecords, or files/wandb-summary.json). */
  summary: Record<string, unknown>;
  /** RunExitRecord's exit code once the run has ended. */
  exitCode?: number;
}

/** files/config.yaml: `key: {desc, value}` per key (`wandb_version` and `_wandb` are bookkeeping). */
function readConfigYaml(run: WandbRun): void {
  const file = path.join(run.dir, 'files', 'config.yaml');
  let text: string;
  try {
    const st = fs.statSync(file);
    if (!st.isFile() || st.size > 4 * 1024 * 1024) return;
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return;
  }
  try {
    const counter = new LineCounter();
    const doc = parseDocument(text, { lineCounter: counter, uniqueKeys: false });
    if (!isMap(doc.contents)) return;
    for (const pair of doc.contents.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
      if (!key || key === 'wandb_version' || key === '_wandb') continue;
      const node = pair.value as Node | null;
      const inner = isMap(node) ? node.items.find((p) => isScalar(p.key) && p.key.value === 'value') : undefined;
      const valueNode = inner ? (inner.value as Node | null) : node;
      const value = valueNode && 'toJSON' in valueNode ? (valueNode as { toJSON(): unknown }).toJSON() : null;
      run.config[key] = value;
      const range = (pair.key as Node).range;
      run.configSource[key] = { file, ...(range ? { line: counter.linePos(range[0]).line } : {}) };
    }
  } catch {
    // An unreadable config.yaml is not a reason to refuse the run's history.
  }
}

function readSummaryJson(run: WandbRun): void {
  const file = path.join(run.dir, 'files', 'wandb-summary.json');
  try {
    const v = parsePythonJson(fs.readFileSync(file, 'utf8'));
    if (v && typeof v === 'object' && !Array.isArray(v)) Object.assign(run.summary, v);
  } catch {
    /* absent or unreadable: the log's summary records stand */
  }
}

const HEAD_BYTES = 256 * 1024;

/** The run record near the start of a log (the second record wandb writes): id, project, name, initial config. */
function runRecordOf(log: string): Extract<WandbRecord, { kind: 'run' }> | undefined {
  let head: Buffer;
  try {
    const fd = fs.openSync(log, 'r');
    try {
      head = Buffer.alloc(HEAD_BYTES);
      head = head.subarray(0, fs.readSync(fd, head, 0, HEAD_BYTES, 0));
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return undefined;
  }
  if (!looksLikeWandbLog(head)) return undefined;
  const scanner = new WandbScanner();
  for (const rec of scanner.scan(head.subarray(WANDB_FILE_HEADER.length)).records) {
    try {
      const d = decodeWandbRecord(rec.data);
      if (d.kind === 'run') return d;
    } catch {
      /* reported when the whole log is read */
    }
  }
  return undefined;
}

function describeRun(dir: string): { dir: string; id: string; name: string } {
  const log = logOf(dir);
  const rec = log ? runRecordOf(log) : undefined;
  const id = rec?.runId || RUN_FOLDER.exec(path.basename(dir))?.[1] || path.basename(dir);
  return { dir, id, name: rec?.displayName || id };
}

function listRunsText(runs: { dir: string; id: string; name: string }[], max = 20): string {
  return (
    runs
      .slice(0, max)
      .map((r) => `${r.id}${r.name !== r.id ? ` "${r.name}"` : ''} (${path.basename(r.dir)})`)
      .join(', ') + (runs.length > max ? `, ... and ${runs.length - max} more` : '')
  );
}

/** The W&B runs of `target` with their ids and names (the Runs view and `compare wandb/` list them). */
export function listWandbRuns(target: string): { dir: string; id: string; name: string }[] {
  return findWandbRuns(target).map(describeRun);
}

/**
 * Opens the run `target` stands for. A `wandb/` folder of several runs needs `select`: a run id, a
 * run folder name or a display name; without it the runs are listed.
 */
export function openWandbRun(target: string, select?: string): WandbRun {
  const dirs = findWandbRuns(target);
  if (dirs.length === 0) throw new IngestError(target, 'holds no W&B run (a run-*/ or offline-run-*/ folder with a run-<id>.wandb file or files/wandb-history.jsonl)');
  let dir: string;
  if (select !== undefined && select !== '') {
    const runs = dirs.map(describeRun);
    const matches = runs.filter((r) => r.id === select || path.basename(r.dir) === select);
    const named = matches.length ? matches : runs.filter((r) => r.name === select);
    if (named.length === 0) throw new IngestError(target, `has no W&B run with id, folder or name "${select}"; its ${runs.length === 1 ? 'run is' : `${runs.length} runs are`}: ${listRunsText(runs)}`);
    if (named.length > 1) throw new IngestError(target, `has ${named.length} W&B runs matching "${select}": ${listRunsText(named)}; pass --run with a run folder name`);
    dir = named[0]!.dir;
  } else if (dirs.length > 1) {
    throw new IngestError(target, `holds ${dirs.length} W&B runs: ${listRunsText(dirs.map(describeRun))}; pick one with --run RUN_ID_OR_NAME (option run:), or pass its run folder (wandb/latest-run is the newest)`);
  } else dir = dirs[0]!;
  const log = isFile(target) && target.endsWith('.wandb') ? target : logOf(dir);
  const history = path.join(dir, 'files', 'wandb-history.jsonl');
  const rec = log ? runRecordOf(log) : undefined;
  const id = rec?.runId || RUN_FOLDER.exec(path.basename(dir))?.[1] || path.basename(dir);
  const run: WandbRun = {
    dir,
    ...(log ? { log } : isFile(history) ? { historyFile: history } : {}),
    id,
    name: rec?.displayName || id,
    project: rec?.project ?? '',
    config: {},
    configSource: {},
    summary: {},
  };
  if (!run.log && !run.historyFile) throw new IngestError(dir, 'is a W&B run folder without a run-<id>.wandb file or files/wandb-history.jsonl: no history to read');
  // config.yaml and wandb-summary.json are written from the log at the end of an online run: the log's
  // records (read below) take precedence; the files stand in for runs without a log.
  readConfigYaml(run);
  readSummaryJson(run);
  return run;
}

function applyItems(target: Record<string, unknown>, items: WandbItem[], remove: string[] = []): string[] {
  const keys: string[] = [];
  for (const [k, v] of items) {
    if (!k || k === '_wandb') continue;
    target[k] = jsonValue(v);
    keys.push(k);
  }
  for (const k of remove) delete target[k];
  return keys;
}

const CHUNK = 1 << 20;

/**
 * The history rows of a run: `{_step, _runtime, _timestamp, <key>: value}` per HistoryRecord, line =
 * the record's 1-based position in the log. Config and summary records fill `run.config` /
 * `run.summary` as they pass.
 */
export async function* readWandb(run: WandbRun, skipped: SkipLog, onBytes?: (n: number) => void): AsyncGenerator<SourceRow> {
  if (!run.log) {
    yield* readJsonl(run.historyFile!, skipped, onBytes);
    return;
  }
  const file = run.log;
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (err) {
    throw new IngestError(file, (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or folder' : (err as Error).message);
  }
  let rows = 0;
  let records = 0;
  const fromLog = new Set<string>();
  try {
    const head = Buffer.alloc(WANDB_FILE_HEADER.length);
    checkWandbHeader(file, head.subarray(0, fs.readSync(fd, head, 0, head.length, 0)));
    const scanner = new WandbScanner();
    let pending: Buffer = Buffer.alloc(0);
    for (;;) {
      const chunk = Buffer.allocUnsafe(CHUNK);
      const n = fs.readSync(fd, chunk, 0, CHUNK, scanner.position + pending.length);
      onBytes?.(n);
      const buf: Buffer = pending.length ? Buffer.concat([pending, chunk.subarray(0, n)]) : chunk.subarray(0, n);
      const before = scanner.position;
      const scan = scanner.scan(buf);
      // Problems and records in file order (a problem's record number is the one it would have had).
      const events = [...scan.problems.map((p) => ({ offset: p.offset, problem: p.reason })), ...scan.records.map((r) => ({ offset: r.offset, record: r }))].sort((a, b) => a.offset - b.offset);
      for (const ev of events) {
        records++;
        if ('problem' in ev) {
          skipped.add(records, `record at byte ${ev.offset}: ${ev.problem}`);
          continue;
        }
        let rec: WandbRecord;
        try {
          rec = decodeWandbRecord(ev.record.data);
        } catch (err) {
          skipped.add(records, `record at byte ${ev.offset}: not a valid W&B Record (${(err as Error).message})`);
          continue;
        }
        if (rec.kind === 'history') {
          rows++;
          yield { line: records, value: historyRow(rec) };
        } else if (rec.kind === 'config' || rec.kind === 'run') {
          const keys = rec.kind === 'run' ? applyItems(run.config, rec.config) : applyItems(run.config, rec.update, rec.remove);
          for (const k of keys) fromLog.add(k);
          if (rec.kind === 'run') {
            if (rec.runId) run.id = rec.runId;
            if (rec.project) run.project = rec.project;
          }
        } else if (rec.kind === 'summary') applyItems(run.summary, rec.update, rec.remove);
        else if (rec.kind === 'exit') run.exitCode = rec.exitCode;
        // Other record types (console output, system stats, telemetry, files, ...) are not curves.
      }
      pending = Buffer.from(buf.subarray(scanner.position - before));
      if (n === 0) {
        // Zero bytes at the end are a preallocated or padded tail, not a record.
        const cut = scanner.pendingRecordOffset ?? (pending.some((b) => b !== 0) ? scanner.position : undefined);
        if (cut !== undefined) {
          const size = fs.fstatSync(fd).size;
          skipped.add(records + 1, `record at byte ${cut} is incomplete (${plural(size - cut, 'byte')} at the end of the file): the run may still be writing it`);
        }
        break;
      }
    }
  } finally {
    fs.closeSync(fd);
  }
  // Keys the log recorded point at it; config.yaml keeps its lines for the others.
  for (const k of fromLog) if (!run.configSource[k]) run.configSource[k] = { file };
  if (rows === 0 && skipped.count === 0) {
    const summary = Object.entries(run.summary).filter(([k, v]) => typeof v === 'number' && !k.startsWith('_'));
    throw new IngestError(file, `has no history records${summary.length ? `; its summary holds ${summary.slice(0, 6).map(([k, v]) => `${k} ${String(v)}`).join(', ')}` : ''} (a run that logged nothing with wandb.log)`);
  }
}

/** The run's config as flat strings (DataSource.params): scalars as text, lists and objects as JSON. */
export function wandbParams(run: WandbRun): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(run.config)) out[k] = typeof v === 'string' ? v : JSON.stringify(v);
  return out;
}
