/**
 * Writes TensorBoard event files for tests: a tiny protobuf encoder for Event/Summary/Value/TensorProto,
 * independent of the reader (fields numbered from tensorflow/core/util/event.proto, summary.proto,
 * tensor.proto), framed with the reader's frameRecord (its CRCs are checked against the real files).
 */
import { frameRecord } from '../../server/src/ingest/tfrecord';
import { varint, key, len, str } from './protobuf-writer';

function f32(field: number, x: number): number[] {
  const b = Buffer.alloc(4);
  b.writeFloatLE(x);
  return [...key(field, 5), ...b];
}
function f64(field: number, x: number): number[] {
  const b = Buffer.alloc(8);
  b.writeDoubleLE(x);
  return [...key(field, 1), ...b];
}

export type TestValue =
  | { tag: string; simple: number }
  | { tag: string; dtype: number; content?: Buffer; halfVal?: number[]; doubleVal?: number[]; int64Val?: number[]; dims?: number[]; plugin?: string }
  | { tag: string; text: string }
  | { tag: string; histogram: true };

function value(v: TestValue): number[] {
  const out = [...str(1, v.tag)];
  if ('simple' in v) out.push(...f32(2, v.simple));
  else if ('histogram' in v) out.push(...len(5, [...f64(1, 0), ...f64(2, 1)]));
  else if ('text' in v) {
    out.push(...len(9, len(1, str(1, 'text'))));
    out.push(...len(8, [...key(1, 0), ...varint(7), ...len(2, []), ...len(8, [...Buffer.from(v.text)])]));
  } else {
    if (v.plugin) out.push(...len(9, len(1, str(1, v.plugin))));
    const t: number[] = [...key(1, 0), ...varint(v.dtype)];
    t.push(...len(2, (v.dims ?? []).flatMap((d) => len(2, [...key(1, 0), ...varint(d)]))));
    if (v.content) t.push(...len(4, v.content));
    if (v.halfVal) t.push(...len(13, v.halfVal.flatMap(varint)));
    if (v.doubleVal) t.push(...len(6, v.doubleVal.flatMap((x) => { const b = Buffer.alloc(8); b.writeDoubleLE(x); return [...b]; })));
    if (v.int64Val) t.push(...len(10, v.int64Val.flatMap(varint)));
    out.push(...len(8, t));
  }
  return out;
}

export function eventBytes(e: { step?: number; wallTime?: number; fileVersion?: string; values?: TestValue[] }): Uint8Array {
  const out: number[] = [...f64(1, e.wallTime ?? 1_700_000_000)];
  if (e.step !== undefined) out.push(...key(2, 0), ...varint(e.step));
  if (e.fileVersion) out.push(...str(3, e.fileVersion));
  if (e.values) out.push(...len(5, e.values.flatMap((v) => len(1, value(v)))));
  return Uint8Array.from(out);
}

/** A whole event file: the file_version record, then one record per event. */
export function eventFile(events: { step?: number; wallTime?: number; values?: TestValue[] }[]): Buffer {
  return Buffer.concat([frameRecord(eventBytes({ fileVersion: 'brain.Event:2' })), ...events.map((e) => frameRecord(eventBytes(e)))]);
}

export const scalarEvent = (step: number, tag: string, x: number) => ({ step, values: [{ tag, simple: x }] });
