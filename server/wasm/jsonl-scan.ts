// AssemblyScript, compiled to dist/server/jsonl-scan.wasm by esbuild.mjs (`npm run build`).
//
// The JSONL byte scan that lets the DuckDB fast path vouch for a file (what it finds and why:
// server/src/engine/duckdb/jsonl-scan.ts, which loads this module and owns the file reading). It is
// WebAssembly because it is on the fast path's critical path: one pass over every byte, about three
// times faster than the same loop in JavaScript on the benchmark machine (bench/engine.ts).
//
// Memory layout; the driver (jsonl-scan.ts) reads the exported offsets:
//   [0, 256)       OUTSIDE: byte classes outside strings
//   [256, 512)     INSIDE: bytes that end a run of string content
//   [512, 768)     KEYS: the declared keys, (offset u32, length u32) each, at most MAX_KEYS
//   [768, 896)     KINDS: u32 per declared key, the KIND bits of its values, ORed
//   [896, 908)     FLAGS (u32 each): unsafe, hasNull, escapedKey
//   [1024, 65536)  KEY_BYTES: the declared keys' bytes
//   [65536, ...)   BUF: the chunk of the file being scanned, then at least SLACK bytes
const OUTSIDE: usize = 0;
const INSIDE: usize = 256;
export const KEYS: usize = 512;
export const KINDS: usize = 768;
export const FLAGS: usize = 896;
export const KEY_BYTES: usize = 1024;
export const BUF: usize = 65536;
export const MAX_KEYS: i32 = 32;
/** Bytes after a chunk that the scan may read (its sentinel, 8-byte word tests). */
export const SLACK: i32 = 64;
const UNSAFE: usize = FLAGS;
const HAS_NULL: usize = FLAGS + 4;
const ESCAPED_KEY: usize = FLAGS + 8;

const QUOTE: u32 = 0x22;
const BACKSLASH: u32 = 0x5c;
const NEWLINE: u32 = 0x0a;
const COLON: u32 = 0x3a;
const COMMA: u32 = 0x2c;

// The KIND bits of jsonl-scan.ts.
const K_NUMBER: u32 = 1;
const K_BOOLEAN: u32 = 2;
const K_STRING: u32 = 4;
const K_NULL: u32 = 8;
const K_NESTED: u32 = 16;
const K_OTHER: u32 = 32;

// Byte classes outside strings; 0 is passed over (digits, blanks, newlines, punctuation, e/E).
const C_QUOTE: u8 = 1;
const C_CLOSE: u8 = 2;
const C_WORD: u8 = 3;

export function init(): void {
  memory.fill(OUTSIDE, 0, 512);
  store<u8>(OUTSIDE + QUOTE, C_QUOTE);
  store<u8>(OUTSIDE + 0x7d, C_CLOSE); // }
  store<u8>(OUTSIDE + 0x5d, C_CLOSE); // ]
  // Letters start the words true, false, null, NaN, Infinity, or a word only a lenient parser takes
  // (DuckDB's reads inf, nan, -NaN, INFINITY in any case; JSON.parse with Python's literals does not).
  // e and E are a number's exponent.
  for (let b: u32 = 0x41; b <= 0x5a; b++) if (b != 0x45) store<u8>(OUTSIDE + b, C_WORD);
  for (let b: u32 = 0x61; b <= 0x7a; b++) if (b != 0x65) store<u8>(OUTSIDE + b, C_WORD);
  store<u8>(INSIDE + QUOTE, 1);
  store<u8>(INSIDE + BACKSLASH, 1);
  store<u8>(INSIDE + NEWLINE, 1);
}

@inline function at(p: usize): u32 {
  return <u32>load<u8>(p);
}

@inline function blank(b: u32): bool {
  return b == 0x20 || b == 0x09 || b == 0x0d;
}

@inline function digit(b: u32): bool {
  return b - 0x30 < 10;
}

/** The kind of the JSON value starting at `i` (after the colon and any blanks). */
function kindAt(i: usize, end: usize): u32 {
  if (i >= end) return K_OTHER;
  const b = at(i);
  if (b == 0x74 || b == 0x66) return K_BOOLEAN; // t, f
  if (b == QUOTE) return K_STRING;
  if (b == 0x6e) return K_NULL;
  if (b == 0x5b || b == 0x7b) return K_NESTED;
  if (b == 0x2d || digit(b)) {
    // A number whose value both readers agree on: a double in range. Mantissa digits and the
    // exponent decide; anything else (-Infinity, 1e400, 400 digits) is "other".
    let j = b == 0x2d ? i + 1 : i;
    if (!digit(at(j))) return K_OTHER;
    let digits = 0;
    while (j < end && (digit(at(j)) || at(j) == 0x2e)) {
      digits++;
      j++;
    }
    if (digits > 300) return K_OTHER;
    if (at(j) == 0x65 || at(j) == 0x45) {
      j++;
      if (at(j) == 0x2b || at(j) == 0x2d) j++;
      let exp = 0;
      while (j < end && digit(at(j)) && exp < 10000) exp = exp * 10 + <i32>(at(j++) - 0x30);
      if (exp > 300) return K_OTHER;
    }
    return K_NUMBER;
  }
  return K_OTHER;
}

/** Whether the 4 bytes at `p` are `word` (little-endian). The slack after the chunk keeps this in bounds. */
@inline function spells4(p: usize, word: u32): bool {
  return load<u32>(p) == word;
}

/**
 * Scans the whole lines of [buf, buf + length), adding to kinds and flags. The byte before
 * buf + length is a newline: every inner loop stops at one, so none needs a bounds check.
 */
export function scan(buf: usize, length: usize, keyCount: i32): void {
  const end = buf + length;
  // A sentinel after the last line stops the skipping loop; the byte is put back at the end.
  const saved = load<u8>(end);
  store<u8>(end, <u8>QUOTE);
  let i = buf;
  while (true) {
    while (load<u8>(OUTSIDE + at(i)) == 0) i++;
    if (i >= end) break;
    const cls = load<u8>(OUTSIDE + at(i));
    if (cls == C_QUOTE) {
      const start = i + 1;
      let j = start;
      let escaped = false;
      while (true) {
        while (load<u8>(INSIDE + at(j)) == 0) j++;
        if (at(j) != BACKSLASH) break;
        escaped = true;
        // An escape skips the next byte, but never the newline that ends the line.
        j += at(j + 1) == NEWLINE ? 1 : 2;
      }
      if (at(j) == NEWLINE) {
        // A raw newline cannot be inside a JSON string: the line is broken for both readers.
        i = j + 1;
        continue;
      }
      // at(j) is the closing quote. A string followed by a colon is a key.
      const len = <u32>(j - start);
      i = j + 1;
      let c = i;
      while (blank(at(c))) c++;
      if (at(c) != COLON) continue;
      if (escaped) {
        store<u32>(ESCAPED_KEY, 1);
        continue;
      }
      for (let k = 0; k < keyCount; k++) {
        const entry = KEYS + (<usize>k << 3);
        if (load<u32>(entry + 4) != len) continue;
        const key = <usize>load<u32>(entry);
        let same = true;
        for (let m: usize = 0; m < <usize>len; m++)
          if (load<u8>(key + m) != load<u8>(start + m)) {
            same = false;
            break;
          }
        if (!same) continue;
        let v = c + 1;
        while (v < end && blank(at(v))) v++;
        const slot = KINDS + (<usize>k << 2);
        store<u32>(slot, load<u32>(slot) | kindAt(v, end));
      }
      continue;
    }
    if (cls == C_CLOSE) {
      // } or ] right after a comma (blanks between): a trailing comma. The bytes before it are
      // outside strings back to the previous token's last byte.
      let p = i;
      while (p > buf && blank(at(p - 1))) p--;
      if (p > buf && at(p - 1) == COMMA) store<u32>(UNSAFE, 1);
      i++;
      continue;
    }
    // A word outside strings.
    const b = at(i);
    if (b == 0x74 && spells4(i, 0x65757274)) i += 4; // true
    else if (b == 0x66 && spells4(i + 1, 0x65736c61)) i += 5; // false
    else if (b == 0x6e && spells4(i, 0x6c6c756e)) {
      // null
      store<u32>(HAS_NULL, 1);
      i += 4;
    } else if (b == 0x4e && at(i + 1) == 0x61 && at(i + 2) == 0x4e && !(i > buf && at(i - 1) == 0x2d)) i += 3; // NaN (not -NaN)
    else if (b == 0x49 && spells4(i, 0x69666e49) && spells4(i + 4, 0x7974696e)) i += 8; // Infinity
    else {
      store<u32>(UNSAFE, 1);
      i++;
    }
  }
  store<u8>(end, saved);
}
