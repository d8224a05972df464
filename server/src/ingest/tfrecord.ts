/**
 * TFRecord framing (TensorBoard event files): each record is
 *   uint64 length | uint32 masked_crc32c(length bytes) | data[length] | uint32 masked_crc32c(data)
 * little-endian. `scanRecords` is pure over a buffer so the same code serves whole-file reading and
 * following a file that is still being written (an incomplete tail is left for the next read).
 */
import { maskedCrc32c } from './crc32c';

export interface TfRecord {
  /** Byte offset of the record's header in the file. */
  offset: number;
  data: Uint8Array;
}

export interface ScanResult {
  records: TfRecord[];
  /** Bytes of `buf` consumed by complete records; the rest is an incomplete record (or nothing). */
  consumed: number;
  /** A frame whose CRC does not match: the file is damaged from `offset` on and reading stops there. */
  corrupt?: { offset: number; reason: string };
}

/** Largest record accepted (a corrupt length must not make us allocate gigabytes). */
export const MAX_RECORD_BYTES = 256 * 1024 * 1024;

const hex = (n: number) => `0x${n.toString(16).padStart(8, '0')}`;

export function scanRecords(buf: Uint8Array, base = 0): ScanResult {
  const records: TfRecord[] = [];
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let pos = 0;
  while (buf.length - pos >= 12) {
    const length = dv.getUint32(pos, true) + dv.getUint32(pos + 4, true) * 2 ** 32;
    const lengthCrc = dv.getUint32(pos + 8, true);
    const computed = maskedCrc32c(buf, pos, pos + 8);
    if (computed !== lengthCrc) {
      return { records, consumed: pos, corrupt: { offset: base + pos, reason: `the length field's CRC does not match (stored ${hex(lengthCrc)}, computed ${hex(computed)}): not a TFRecord frame` } };
    }
    if (length > MAX_RECORD_BYTES) return { records, consumed: pos, corrupt: { offset: base + pos, reason: `a record of ${length} bytes (more than ${MAX_RECORD_BYTES})` } };
    if (buf.length - pos < 12 + length + 4) break;
    const start = pos + 12;
    const dataCrc = dv.getUint32(start + length, true);
    const dataComputed = maskedCrc32c(buf, start, start + length);
    if (dataCrc !== dataComputed) {
      return { records, consumed: pos, corrupt: { offset: base + pos, reason: `the data CRC does not match (stored ${hex(dataCrc)}, computed ${hex(dataComputed)})` } };
    }
    records.push({ offset: base + pos, data: buf.subarray(start, start + length) });
    pos = start + length + 4;
  }
  return { records, consumed: pos };
}

/** Frames `data` as one TFRecord (tests and generated fixtures write event files with it). */
export function frameRecord(data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length + 4);
  out.writeUInt32LE(data.length >>> 0, 0);
  out.writeUInt32LE(Math.floor(data.length / 2 ** 32), 4);
  out.writeUInt32LE(maskedCrc32c(out, 0, 8), 8);
  out.set(data, 12);
  out.writeUInt32LE(maskedCrc32c(data), 12 + data.length);
  return out;
}
