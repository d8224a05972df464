/**
 * A minimal protocol-buffers wire reader for the few messages RLHF Lens decodes (TensorBoard
 * Event/Summary/Value/TensorProto, W&B records). Hand-written rather than protobufjs: these are a
 * dozen fields of fixed, long-stable schemas; a generic library would need the .proto files vendored
 * and would still leave the same field handling to us. Every read is bounds-checked and throws
 * ProtobufError on malformed input, which the callers turn into a skipped record with its offset.
 */

export class ProtobufError extends Error {
  override name = 'ProtobufError';
}

export const WIRE_VARINT = 0;
export const WIRE_I64 = 1;
export const WIRE_LEN = 2;
export const WIRE_I32 = 5;

export class ProtoReader {
  pos: number;
  readonly end: number;
  constructor(
    readonly buf: Uint8Array,
    start = 0,
    end = buf.length,
  ) {
    this.pos = start;
    this.end = end;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  /** A varint as a JS number (exact up to 2^53; int64 steps beyond that do not occur in logs). */
  varint(): number {
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new ProtobufError('truncated varint');
      const b = this.buf[this.pos++]!;
      result += (b & 0x7f) * mul;
      if ((b & 0x80) === 0) {
        // A negative int64/int32 is written as a 10-byte two's-complement varint.
        return i === 9 && result >= 2 ** 63 ? result - 2 ** 64 : result;
      }
      mul *= 128;
    }
    throw new ProtobufError('varint longer than 10 bytes');
  }

  /** The next field's (number, wire type), or undefined at the end. */
  tag(): { field: number; wire: number } | undefined {
    if (this.done) return undefined;
    const t = this.varint();
    const field = Math.floor(t / 8);
    if (field === 0) throw new ProtobufError('field number 0');
    return { field, wire: t & 7 };
  }

  private need(n: number): void {
    if (n < 0 || this.pos + n > this.end) throw new ProtobufError('truncated field');
  }

  double(): number {
    this.need(8);
    const v = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 8).getFloat64(0, true);
    this.pos += 8;
    return v;
  }

  float(): number {
    this.need(4);
    const v = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 4).getFloat32(0, true);
    this.pos += 4;
    return v;
  }

  fixed64(): number {
    this.need(8);
    const dv = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 8);
    this.pos += 8;
    return dv.getUint32(0, true) + dv.getUint32(4, true) * 2 ** 32;
  }

  /** A length-delimited field: its bytes (a view, not a copy). */
  bytes(): Uint8Array {
    const n = this.varint();
    this.need(n);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  string(): string {
    return Buffer.from(this.bytes()).toString('utf8');
  }

  /** A sub-reader over a length-delimited field. */
  message(): ProtoReader {
    const b = this.bytes();
    return new ProtoReader(b);
  }

  skip(wire: number): void {
    switch (wire) {
      case WIRE_VARINT:
        this.varint();
        return;
      case WIRE_I64:
        this.need(8);
        this.pos += 8;
        return;
      case WIRE_LEN:
        this.bytes();
        return;
      case WIRE_I32:
        this.need(4);
        this.pos += 4;
        return;
      default:
        throw new ProtobufError(`unsupported wire type ${wire}`);
    }
  }
}

/** Reads a repeated numeric field that may be packed (one LEN field) or not (one value per tag). */
export function readRepeated(r: ProtoReader, wire: number, one: (r: ProtoReader) => number, out: number[]): void {
  if (wire === WIRE_LEN) {
    const sub = r.message();
    while (!sub.done) out.push(one(sub));
  } else out.push(one(r));
}
