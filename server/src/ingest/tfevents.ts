/**
 * TensorBoard event files (`events.out.tfevents.*`) as a training-curve source: TFRecord frames
 * (tfrecord.ts) holding `Event` protos. Scalars come from `Value.simple_value` (PyTorch
 * SummaryWriter, Lightning, older TF) and from one-element numeric `Value.tensor`s (TF2/Keras, and
 * PyTorch with new-style scalars): DT_FLOAT, DT_DOUBLE, DT_HALF, DT_BFLOAT16 and the integer types.
 * Text summaries (HF Trainer's `args/text_summary`) and hparams (Lightning's `_hparams_/...`) are
 * kept as run parameters; histograms, images, audio and graphs are not curves and are only counted.
 *
 * A folder merges every event file under it (a Lightning `version_N/` with its fit and test files,
 * an HF `runs/<date>_<host>/`): files in the folder itself keep their tags, files in subfolders get
 * the subfolder as a tag prefix, as TensorBoard shows them as runs (`train/epoch_loss`,
 * `validation/epoch_loss` for Keras).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ProtoReader, ProtobufError, readRepeated, WIRE_I32, WIRE_I64, WIRE_LEN } from './protobuf';
import { scanRecords } from './tfrecord';
import { IngestError, type SkipLog, type SourceRow } from './rows';

// ------------------------------------------------------------------ decoding one Event

/** What TensorBoard's plugin_name says a tag is (written only on a tag's first event, so remembered per file). */
export type TagPlugins = Map<string, string>;

export interface DecodedEvent {
  step: number;
  wallTime: number;
  scalars: [string, number][];
  texts: [string, string][];
  hparams: [string, HparamValue][];
  /** Tags of summaries that are not scalars (histograms, images, ...), with their kind. */
  ignored: [string, string][];
}

const DT = { FLOAT: 1, DOUBLE: 2, INT32: 3, UINT8: 4, INT16: 5, INT8: 6, STRING: 7, INT64: 9, BOOL: 10, BFLOAT16: 14, UINT16: 17, HALF: 19, UINT32: 22, UINT64: 23 } as const;

/** IEEE half precision bits to a number. */
export function halfToNumber(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f ? NaN : s * Infinity;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
function bfloat16ToNumber(h: number): number {
  u32[0] = (h & 0xffff) << 16;
  return f32[0]!;
}

interface Tensor {
  dtype: number;
  elements: number;
  numbers: number[];
  strings: string[];
}

function decodeTensor(r: ProtoReader): Tensor {
  let dtype = 0;
  let elements = 1;
  let content: Uint8Array | undefined;
  const numbers: number[] = [];
  const strings: string[] = [];
  for (let t = r.tag(); t; t = r.tag()) {
    switch (t.field) {
      case 1:
        dtype = r.varint();
        break;
      case 2: {
        const shape = r.message();
        for (let s = shape.tag(); s; s = shape.tag()) {
          if (s.field === 2 && s.wire === WIRE_LEN) {
            const dim = shape.message();
            let size = 1;
            for (let d = dim.tag(); d; d = dim.tag()) if (d.field === 1) size = dim.varint();
            else dim.skip(d.wire);
            elements *= size;
          } else shape.skip(s.wire);
        }
        break;
      }
      case 4:
        content = r.bytes();
        break;
      case 5:
        readRepeated(r, t.wire, (x) => x.float(), numbers);
        break;
      case 6:
        readRepeated(r, t.wire, (x) => x.double(), numbers);
        break;
      case 7: // int_val: int32, int16, int8, uint8, uint16
      case 13: // half_val: half and bfloat16 bits
      case 10: // int64_val
      case 11: // bool_val
      case 16: // uint32_val
      case 17: // uint64_val
        readRepeated(r, t.wire, (x) => x.varint(), numbers);
        break;
      case 8:
        strings.push(r.string());
        break;
      default:
        r.skip(t.wire);
    }
  }
  if (dtype === DT.HALF) for (let i = 0; i < numbers.length; i++) numbers[i] = halfToNumber(numbers[i]!);
  if (dtype === DT.BFLOAT16) for (let i = 0; i < numbers.length; i++) numbers[i] = bfloat16ToNumber(numbers[i]!);
  if (dtype === DT.INT32 || dtype === DT.INT16 || dtype === DT.INT8) for (let i = 0; i < numbers.length; i++) numbers[i] = numbers[i]! | 0;
  if (content && numbers.length === 0 && elements === 1) {
    const dv = new DataView(content.buffer, content.byteOffset, content.byteLength);
    const need = (n: number) => content!.length >= n;
    if (dtype === DT.FLOAT && need(4)) numbers.push(dv.getFloat32(0, true));
    else if (dtype === DT.DOUBLE && need(8)) numbers.push(dv.getFloat64(0, true));
    else if (dtype === DT.HALF && need(2)) numbers.push(halfToNumber(dv.getUint16(0, true)));
    else if (dtype === DT.BFLOAT16 && need(2)) numbers.push(bfloat16ToNumber(dv.getUint16(0, true)));
    else if (dtype === DT.INT32 && need(4)) numbers.push(dv.getInt32(0, true));
    else if (dtype === DT.UINT32 && need(4)) numbers.push(dv.getUint32(0, true));
    else if (dtype === DT.INT64 && need(8)) numbers.push(Number(dv.getBigInt64(0, true)));
    else if (dtype === DT.UINT64 && need(8)) numbers.push(Number(dv.getBigUint64(0, true)));
    else if (dtype === DT.INT16 && need(2)) numbers.push(dv.getInt16(0, true));
    else if (dtype === DT.UINT16 && need(2)) numbers.push(dv.getUint16(0, true));
    else if ((dtype === DT.INT8 || dtype === DT.UINT8 || dtype === DT.BOOL) && need(1)) numbers.push(dtype === DT.INT8 ? dv.getInt8(0) : dv.getUint8(0));
  }
  return { dtype, elements, numbers, strings };
}

/** A hyperparameter value as TensorBoard's hparams plugin records it (google.protobuf.Value). */
export type HparamValue = string | number | boolean | null;

/** google.protobuf.Value (hparams values): number, string, bool or null. */
function protoValue(r: ProtoReader): HparamValue {
  let out: HparamValue = '';
  for (let t = r.tag(); t; t = r.tag()) {
    if (t.field === 2 && t.wire === WIRE_I64) out = r.double();
    else if (t.field === 3 && t.wire === WIRE_LEN) out = r.string();
    else if (t.field === 4) out = r.varint() !== 0;
    else if (t.field === 1) {
      r.varint();
      out = null;
    } else r.skip(t.wire);
  }
  return out;
}

/** HParamsPluginData.session_start_info.hparams (map<string, Value>). */
function decodeHparams(content: Uint8Array, out: [string, HparamValue][]): void {
  const r = new ProtoReader(content);
  for (let t = r.tag(); t; t = r.tag()) {
    if (t.field !== 3 || t.wire !== WIRE_LEN) {
      r.skip(t.wire);
      continue;
    }
    const start = r.message();
    for (let s = start.tag(); s; s = start.tag()) {
      if (s.field !== 1 || s.wire !== WIRE_LEN) {
        start.skip(s.wire);
        continue;
      }
      const entry = start.message();
      let k = '';
      let v: HparamValue = '';
      for (let e = entry.tag(); e; e = entry.tag()) {
        if (e.field === 1) k = entry.string();
        else if (e.field === 2 && e.wire === WIRE_LEN) v = protoValue(entry.message());
        else entry.skip(e.wire);
      }
      if (k) out.push([k, v]);
    }
  }
}

const TEXT_LIMIT = 64 * 1024;

function decodeValue(r: ProtoReader, plugins: TagPlugins, ev: DecodedEvent): void {
  let tag = '';
  let simple: number | undefined;
  let tensor: Tensor | undefined;
  let plugin: string | undefined;
  let pluginContent: Uint8Array | undefined;
  let other: string | undefined;
  for (let t = r.tag(); t; t = r.tag()) {
    switch (t.field) {
      case 1:
        tag = r.string();
        break;
      case 2:
        if (t.wire !== WIRE_I32) throw new ProtobufError('simple_value is not a float');
        simple = r.float();
        break;
      case 3:
      case 5:
        r.skip(t.wire);
        other = 'histogram';
        break;
      case 4:
        r.skip(t.wire);
        other = 'image';
        break;
      case 6:
        r.skip(t.wire);
        other = 'audio';
        break;
      case 7:
        if (!tag) tag = r.string();
        else r.skip(t.wire);
        break;
      case 8:
        tensor = decodeTensor(r.message());
        break;
      case 9: {
        const meta = r.message();
        for (let m = meta.tag(); m; m = meta.tag()) {
          if (m.field === 1 && m.wire === WIRE_LEN) {
            const pd = meta.message();
            for (let p = pd.tag(); p; p = pd.tag()) {
              if (p.field === 1) plugin = pd.string();
              else if (p.field === 2) pluginContent = pd.bytes();
              else pd.skip(p.wire);
            }
          } else meta.skip(m.wire);
        }
        break;
      }
      default:
        r.skip(t.wire);
    }
  }
  if (plugin) plugins.set(tag, plugin);
  else plugin = plugins.get(tag);
  if (plugin === 'hparams') {
    if (pluginContent) decodeHparams(pluginContent, ev.hparams);
    return;
  }
  if (simple !== undefined) {
    ev.scalars.push([tag, simple]);
    return;
  }
  if (other) {
    ev.ignored.push([tag, other]);
    return;
  }
  if (tensor) {
    if (tensor.dtype === DT.STRING) {
      if (plugin === 'text' && tensor.strings.length > 0) ev.texts.push([tag, tensor.strings.join('\n').slice(0, TEXT_LIMIT)]);
      else ev.ignored.push([tag, plugin ?? 'string tensor']);
    } else if (tensor.elements === 1 && tensor.numbers.length === 1 && (plugin === undefined || plugin === 'scalars')) {
      ev.scalars.push([tag, tensor.numbers[0]!]);
    } else ev.ignored.push([tag, plugin ?? `tensor of ${tensor.elements} values`]);
  }
}

/** Decodes one Event record. Throws ProtobufError on malformed bytes. */
export function decodeEvent(data: Uint8Array, plugins: TagPlugins): DecodedEvent {
  const r = new ProtoReader(data);
  const ev: DecodedEvent = { step: 0, wallTime: 0, scalars: [], texts: [], hparams: [], ignored: [] };
  for (let t = r.tag(); t; t = r.tag()) {
    if (t.field === 1 && t.wire === WIRE_I64) ev.wallTime = r.double();
    else if (t.field === 2 && t.wire === 0) ev.step = r.varint();
    else if (t.field === 5 && t.wire === WIRE_LEN) {
      const summary = r.message();
      for (let s = summary.tag(); s; s = summary.tag()) {
        if (s.field === 1 && s.wire === WIRE_LEN) decodeValue(summary.message(), plugins, ev);
        else summary.skip(s.wire);
      }
    } else r.skip(t.wire);
  }
  return ev;
}

/** The row an event gives to the training analysis, or undefined when it holds no scalar. */
export function eventRow(ev: DecodedEvent, prefix = ''): Record<string, unknown> | undefined {
  if (ev.scalars.length === 0) return undefined;
  const row: Record<string, unknown> = { step: ev.step, wall_time: ev.wallTime };
  for (const [tag, v] of ev.scalars) row[prefix + tag] = v;
  return row;
}

// ------------------------------------------------------------------ files and folders

export function isEventFileName(name: string): boolean {
  return /(^|\.)tfevents\./.test(name) || /^events\.out\.tfevents/.test(name);
}

/** Event files under `dir` (itself and up to three levels down), in TensorBoard's order: by folder, then name. */
export function findEventFiles(dir: string, depth = 0): string[] {
  const out: string[] = [];
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  // Symlinks are followed (a run folder assembled from links reads like the real one).
  const kind = (e: fs.Dirent) => {
    if (!e.isSymbolicLink()) return e.isFile() ? 'file' : e.isDirectory() ? 'dir' : 'other';
    try {
      const st = fs.statSync(path.join(dir, e.name));
      return st.isFile() ? 'file' : st.isDirectory() ? 'dir' : 'other';
    } catch {
      return 'other';
    }
  };
  for (const e of entries) if (isEventFileName(e.name) && kind(e) === 'file') out.push(path.join(dir, e.name));
  if (depth < 3) for (const e of entries) if (!e.name.startsWith('.') && kind(e) === 'dir') out.push(...findEventFiles(path.join(dir, e.name), depth + 1));
  return out;
}

export interface TfEventsRun {
  /** The event files read, in order, each with its tag prefix. */
  files: { file: string; prefix: string }[];
  /** Text summaries and hparams, filled while reading. */
  params: Record<string, string>;
  /** The hparams plugin's values alone (session_start_info.hparams), typed, with the event file that recorded each. */
  hparams: Record<string, { value: HparamValue; file: string }>;
  /** Non-scalar summaries seen, by kind (filled while reading). */
  ignored: Map<string, Set<string>>;
}

export function openTfEvents(target: string): TfEventsRun {
  const st = fs.statSync(target);
  if (!st.isDirectory()) return { files: [{ file: target, prefix: '' }], params: {}, hparams: {}, ignored: new Map() };
  const files = findEventFiles(target);
  if (files.length === 0) throw new IngestError(target, 'has no TensorBoard event files (events.out.tfevents.*)');
  return {
    files: files.map((file) => {
      const rel = path.relative(target, path.dirname(file)).split(path.sep).join('/');
      return { file, prefix: rel ? `${rel}/` : '' };
    }),
    params: {},
    hparams: {},
    ignored: new Map(),
  };
}

const CHUNK = 1 << 20;

/**
 * The scalar rows of every event file of the run: `{step, wall_time, <tag>: value}`, line = the
 * record's 1-based position in its file. An incomplete last record (a run still writing) is skipped
 * with a reason; a frame with a bad CRC stops reading with an IngestError naming the byte offset.
 */
export async function* readTfEvents(run: TfEventsRun, skipped: SkipLog, onBytes?: (n: number) => void): AsyncGenerator<SourceRow> {
  let scalars = 0;
  const many = run.files.length > 1;
  for (const { file, prefix } of run.files) {
    const label = many ? `${path.basename(file)}: ` : '';
    const plugins: TagPlugins = new Map();
    let fd: number;
    try {
      fd = fs.openSync(file, 'r');
    } catch (err) {
      throw new IngestError(file, (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or folder' : (err as Error).message);
    }
    try {
      let pending: Buffer = Buffer.alloc(0);
      let base = 0;
      let index = 0;
      for (;;) {
        const chunk = Buffer.allocUnsafe(CHUNK);
        const n = fs.readSync(fd, chunk, 0, CHUNK, base + pending.length);
        onBytes?.(n);
        const buf: Buffer = n === 0 ? pending : pending.length ? Buffer.concat([pending, chunk.subarray(0, n)]) : chunk.subarray(0, n);
        const scan = scanRecords(buf, base);
        for (const rec of scan.records) {
          index++;
          let ev: DecodedEvent;
          try {
            ev = decodeEvent(rec.data, plugins);
          } catch (err) {
            skipped.add(index, `${label}record at byte ${rec.offset}: not a valid Event (${(err as Error).message})`);
            continue;
          }
          for (const [k, v] of ev.texts) run.params[prefix + k] = v;
          for (const [k, v] of ev.hparams) {
            run.params[k] = v === null ? 'null' : String(v);
            // The first file to record a hyperparameter names it (Lightning's test file repeats the fit file's).
            if (!(k in run.hparams)) run.hparams[k] = { value: v, file };
          }
          for (const [tag, kind] of ev.ignored) {
            let set = run.ignored.get(kind);
            if (!set) run.ignored.set(kind, (set = new Set()));
            set.add(prefix + tag);
          }
          const row = eventRow(ev, prefix);
          if (row) {
            scalars++;
            yield { line: index, value: row };
          }
        }
        if (scan.corrupt) {
          if (index === 0 && base === 0 && scan.consumed === 0) throw new IngestError(file, `is not a TensorBoard event file (${scan.corrupt.reason} at byte 0)`);
          throw new IngestError(file, `damaged TFRecord at byte ${scan.corrupt.offset} (record ${index + 1}): ${scan.corrupt.reason}; ${index} records before it were read`);
        }
        base += scan.consumed;
        pending = Buffer.from(buf.subarray(scan.consumed));
        if (n === 0) {
          if (pending.length > 0) skipped.add(index + 1, `${label}record at byte ${base} is incomplete (${pending.length} bytes at the end of the file): the run may still be writing it`);
          break;
        }
      }
    } finally {
      fs.closeSync(fd);
    }
  }
  if (scalars === 0 && skipped.count === 0) {
    const kinds = [...run.ignored].map(([kind, tags]) => `${tags.size} ${kind} (${[...tags].slice(0, 3).join(', ')})`);
    const texts = Object.keys(run.params);
    const has = [...kinds, ...(texts.length ? [`text/hparams: ${texts.slice(0, 3).join(', ')}`] : [])];
    throw new IngestError(run.files.length === 1 ? run.files[0]!.file : path.dirname(run.files[0]!.file), `has no scalar summaries${has.length ? `; it holds ${has.join('; ')}` : ''}`);
  }
}

/** The first bytes of an event file: a TFRecord frame whose length CRC matches. */
export function looksLikeTfRecord(head: Uint8Array): boolean {
  if (head.length < 12) return false;
  return scanRecords(head.subarray(0, Math.min(head.length, 12))).corrupt === undefined;
}
