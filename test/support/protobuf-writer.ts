/** Protocol-buffer encoding for the test writers (event files, W&B logs): the few wire forms they need, as number arrays. */

/** A base-128 varint; negative numbers as their 64-bit two's complement, as protobuf writes int64. */
export function varint(n: number): number[] {
  const out: number[] = [];
  let v = n < 0 ? n + 2 ** 64 : n;
  while (v >= 128) {
    out.push((v % 128) | 128);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}
export const key = (field: number, wire: number) => varint(field * 8 + wire);
export const len = (field: number, body: number[] | Uint8Array) => [...key(field, 2), ...varint(body.length), ...body];
export const str = (field: number, s: string) => len(field, [...Buffer.from(s, 'utf8')]);
export const int = (field: number, n: number) => [...key(field, 0), ...varint(n)];
