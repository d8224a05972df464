/**
 * What a JSONL file's bytes say about the keys an analysis reads, without parsing it: one pass in
 * JavaScript over the bytes, tracking only whether it is inside a string. It finds what DuckDB reads
 * differently from `JSON.parse` (a trailing comma, a UTF-8 BOM) and, for each key the fast path
 * declares, which kinds of JSON value it holds anywhere in the file (at any depth): numbers,
 * booleans, strings, nulls, lists or objects, or something else (Python's NaN / Infinity, a number
 * outside the double range). A key spelled with an escape (`"conf\u0069dence"`) cannot be compared
 * byte for byte: that is reported, and the kinds then prove nothing.
 *
 * These let the fast path read a key as a typed DuckDB column (DOUBLE when it only ever holds
 * numbers, BOOLEAN when only true/false), which DuckDB parses far faster than text it then casts,
 * and still vouch that the built-in reader would read the same values (engine/duckdb/fast.ts).
 * False alarms (a key's name in a nested object, a comma before `}` inside a string is not one:
 * strings are skipped) only cost speed, never correctness.
 */
import * as fs from 'node:fs';

export const KIND = { number: 1, boolean: 2, string: 4, null: 8, nested: 16, other: 32 } as const;

export interface JsonlFacts {
  /** A BOM or a trailing comma: DuckDB would accept what JSON.parse refuses. */
  unsafe: boolean;
  /** A `null` outside strings anywhere (for keys whose kinds are not known). */
  hasNull: boolean;
  /** A key written with a backslash escape somewhere: `kinds` may miss its occurrences. */
  escapedKey: boolean;
  /** Per declared key, the KIND bits of every value it has in the file. */
  kinds: Map<string, number>;
  /** Bytes looked at (whole lines only). */
  bytes: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const NEWLINE = 0x0a;
const COLON = 0x3a;
const COMMA = 0x2c;

function blank(b: number): boolean {
  return b === 0x20 || b === 0x09 || b === 0x0d;
}

/** The kind of the JSON value starting at `i` (after the colon and any blanks). */
function kindAt(buf: Uint8Array, i: number, end: number): number {
  const b = buf[i];
  if (b === undefined || i >= end) return KIND.other;
  if (b === 0x74 || b === 0x66) return KIND.boolean; // t, f
  if (b === QUOTE) return KIND.string;
  if (b === 0x6e) return KIND.null;
  if (b === 0x5b || b === 0x7b) return KIND.nested;
  if (b === 0x2d || (b >= 0x30 && b <= 0x39)) {
    // A number whose value both readers agree on: a double in range. Mantissa digits and the
    // exponent decide; anything else (-Infinity, 1e400, 400 digits) is "other".
    let j = b === 0x2d ? i + 1 : i;
    if (!(buf[j]! >= 0x30 && buf[j]! <= 0x39)) return KIND.other;
    let digits = 0;
    while (j < end && ((buf[j]! >= 0x30 && buf[j]! <= 0x39) || buf[j] === 0x2e)) {
      digits++;
      j++;
    }
    if (digits > 300) return KIND.other;
    if (buf[j] === 0x65 || buf[j] === 0x45) {
      j++;
      if (buf[j] === 0x2b || buf[j] === 0x2d) j++;
      let exp = 0;
      while (j < end && buf[j]! >= 0x30 && buf[j]! <= 0x39 && exp < 10_000) exp = exp * 10 + (buf[j++]! - 0x30);
      if (exp > 300) return KIND.other;
    }
    return KIND.number;
  }
  return KIND.other;
}

/** Scans whole lines of `buf[0, end)`, adding to `facts`. */
function scanLines(buf: Uint8Array, end: number, keys: Uint8Array[], names: string[], facts: JsonlFacts): void {
  // Keys by length, for the comparison at the end of each string.
  const maxLen = keys.reduce((m, k) => Math.max(m, k.length), 0);
  const kinds = names.map((n) => facts.kinds.get(n) ?? 0);
  let inString = false;
  let start = 0;
  let escaped = false;
  let last = NEWLINE; // the last non-blank byte outside strings
  for (let i = 0; i < end; i++) {
    const b = buf[i]!;
    if (inString) {
      if (b === BACKSLASH) {
        escaped = true;
        i++;
      } else if (b === QUOTE) {
        inString = false;
        last = QUOTE;
        const len = i - start;
        // A string followed by a colon is a key.
        let j = i + 1;
        while (j < end && blank(buf[j]!)) j++;
        if (buf[j] !== COLON) continue;
        if (escaped) {
          facts.escapedKey = true;
          continue;
        }
        if (len > maxLen) continue;
        for (let k = 0; k < keys.length; k++) {
          const key = keys[k]!;
          if (key.length !== len) continue;
          let same = true;
          for (let m = 0; m < len; m++)
            if (buf[start + m] !== key[m]) {
              same = false;
              break;
            }
          if (!same) continue;
          let v = j + 1;
          while (v < end && blank(buf[v]!)) v++;
          kinds[k]! |= kindAt(buf, v, end);
        }
      } else if (b === NEWLINE) {
        // A raw newline cannot be inside a JSON string: the line is broken for both readers.
        inString = false;
        last = NEWLINE;
      }
      continue;
    }
    if (b === QUOTE) {
      inString = true;
      start = i + 1;
      escaped = false;
    } else if (b === 0x7d || b === 0x5d) {
      // } or ] right after a comma (blanks between): a trailing comma.
      if (last === COMMA) facts.unsafe = true;
      last = b;
    } else if (b === 0x6e && buf[i + 1] === 0x75 && buf[i + 2] === 0x6c && buf[i + 3] === 0x6c) {
      facts.hasNull = true;
      last = b;
    } else if (!blank(b)) last = b;
  }
  names.forEach((n, k) => facts.kinds.set(n, kinds[k]!));
}

/**
 * Scans a file (or its first `limit` bytes, whole lines only: a guess at the kinds, to choose column
 * types before the whole scan has run). A line longer than `maxLine` makes it unsafe.
 */
export function scanJsonl(file: string, keys: string[], options: { limit?: number; maxLine?: number } = {}): JsonlFacts {
  const facts: JsonlFacts = { unsafe: false, hasNull: false, escapedKey: false, kinds: new Map(keys.map((k) => [k, 0])), bytes: 0 };
  const encoded = keys.map((k) => Buffer.from(k, 'utf8'));
  const limit = options.limit ?? Infinity;
  const maxLine = options.maxLine ?? 32 << 20;
  const fd = fs.openSync(file, 'r');
  try {
    let buf = Buffer.allocUnsafe(Math.min(4 << 20, Number.isFinite(limit) ? Math.max(limit, 1) : 4 << 20));
    let held = 0; // bytes at the start of buf carried over from the previous read (a partial line)
    let pos = 0;
    let first = true;
    for (;;) {
      const n = fs.readSync(fd, buf, held, buf.length - held, pos);
      pos += n;
      const have = held + n;
      if (first && have >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) {
        facts.unsafe = true;
        return facts;
      }
      first = false;
      const eof = n === 0 || pos >= limit;
      // Whole lines only; at the end of the file the last line may have no newline.
      let end = have;
      if (n !== 0) {
        end = buf.lastIndexOf(NEWLINE, have - 1) + 1;
        if (end === 0) {
          if (eof) return facts;
          if (buf.length >= maxLine) {
            facts.unsafe = true;
            return facts;
          }
          // A line longer than the buffer: grow it.
          const bigger = Buffer.allocUnsafe(buf.length * 2);
          buf.copy(bigger, 0, 0, have);
          buf = bigger;
          held = have;
          continue;
        }
      }
      scanLines(buf, end, encoded, keys, facts);
      facts.bytes += end;
      if (n === 0 || eof) return facts;
      buf.copy(buf, 0, end, have);
      held = have - end;
    }
  } finally {
    fs.closeSync(fd);
  }
}
