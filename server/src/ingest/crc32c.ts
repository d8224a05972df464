/** CRC-32C (Castagnoli), as TFRecord frames use it, with TensorFlow's masking. Table-driven; ~1 GB/s is far more than event files need. */

/** The byte-at-a-time table of a reflected CRC-32 with polynomial `poly` (CRC-32C and zlib's CRC-32 differ only in it). */
export function crcTable(poly: number): Uint32Array {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? poly ^ (c >>> 1) : c >>> 1;
    t[i] = c >>> 0;
  }
  return t;
}

const TABLE = crcTable(0x82f63b78);

export function crc32c(buf: Uint8Array, start = 0, end = buf.length): number {
  let c = 0xffffffff;
  for (let i = start; i < end; i++) c = TABLE[(c ^ buf[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** TensorFlow's masked CRC: rotate right by 15 and add a constant (so a CRC of CRCs stays strong). */
export function maskedCrc32c(buf: Uint8Array, start = 0, end = buf.length): number {
  const c = crc32c(buf, start, end);
  return ((((c >>> 15) | (c << 17)) >>> 0) + 0xa282ead8) >>> 0;
}
