/**
 * What a JSONL file's bytes say about the keys an analysis reads, without parsing it: one pass over
 * the bytes (in WebAssembly, server/wasm/jsonl-scan.ts), tracking only whether it is inside a string.
 * It finds what DuckDB reads differently from the built-in reader's `JSON.parse` (with Python's NaN,
 * Infinity and -Infinity): a trailing comma, a UTF-8 BOM, and the words only DuckDB's lenient parser
 * takes (`inf`, `nan`, `-NaN`, `INFINITY`, in any case); and, for each key the fast path declares,
 * which kinds of JSON value it holds anywhere in the file (at any depth): numbers, booleans,
 * strings, nulls, lists or objects, or something else (NaN / Infinity, a number outside the double
 * range). A key spelled with an escape (`"conf\u0069dence"`) cannot be compared byte for byte: that
 * is reported, and the kinds then prove nothing.
 *
 * These let the fast path read a key as a typed DuckDB column (DOUBLE when it only ever holds
 * numbers, BOOLEAN when only true/false), which DuckDB parses far faster than text it then casts,
 * and still vouch that the built-in reader would read the same values (engine/duckdb/fast.ts).
 * False alarms (a key's name in a nested object; an unknown word outside strings, which is invalid
 * JSON for both readers) only cost speed, never correctness.
 */
import * as fs from 'node:fs';
import { growMemory, wasmConstant, wasmModule } from '../../wasm/load';

export const KIND = { number: 1, boolean: 2, string: 4, null: 8, nested: 16, other: 32 } as const;

export interface JsonlFacts {
  /** A BOM, a trailing comma or a word only DuckDB reads: DuckDB would accept what JSON.parse refuses. */
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

const NEWLINE = 0x0a;
const CHUNK = 4 << 20;

/**
 * The scan itself is WebAssembly (server/wasm/jsonl-scan.ts, AssemblyScript, built beside the
 * bundle by `npm run build`), with its memory layout (exported by the module): this side reads the
 * file into its memory a chunk at a time.
 */
interface ScanModule {
  memory: WebAssembly.Memory;
  init(): void;
  scan(buf: number, length: number, keyCount: number): void;
  at: { keys: number; kinds: number; flags: number; keyBytes: number; buf: number; maxKeys: number; slack: number };
}

let loaded: ScanModule | undefined;

function scanModule(): ScanModule {
  if (!loaded) {
    const exports = wasmModule<WebAssembly.Exports>('jsonl-scan');
    const c = (name: string) => wasmConstant(exports, name);
    loaded = {
      ...(exports as unknown as Omit<ScanModule, 'at'>),
      at: { keys: c('KEYS'), kinds: c('KINDS'), flags: c('FLAGS'), keyBytes: c('KEY_BYTES'), buf: c('BUF'), maxKeys: c('MAX_KEYS'), slack: c('SLACK') },
    };
    loaded.init();
  }
  return loaded;
}

/** Grows the module's memory so a chunk of `bytes` (plus slack) fits at its BUF. */
function reserve(m: ScanModule, bytes: number): void {
  growMemory(m.memory, m.at.buf + bytes + m.at.slack);
}

/**
 * Scans a file (or its first `limit` bytes, whole lines only: a guess at the kinds, to choose column
 * types before the whole scan has run). A line longer than `maxLine` makes it unsafe; so do more
 * than 32 declared keys or keys longer than 60 KiB together (the fast path then declines).
 */
export function scanJsonl(file: string, keys: string[], options: { limit?: number; maxLine?: number } = {}): JsonlFacts {
  const scanner = new JsonlScanner(file, keys, options);
  while (!scanner.step());
  return scanner.facts;
}

/**
 * The same scan a chunk (4 MiB) at a time, so a caller can interleave it with other work on its
 * thread (the fast path fetches DuckDB's chunks between steps). Each step leaves nothing of its
 * own in the module's memory: scanners do not disturb one another.
 */
export class JsonlScanner {
  readonly facts: JsonlFacts;
  private readonly encoded: Buffer[];
  private readonly limit: number;
  private readonly maxLine: number;
  private fd: number | undefined;
  private readonly file: string;
  private size: number;
  private pos = 0;
  /** The partial last line of the previous chunk. */
  private tail: Buffer = Buffer.alloc(0);
  private done = false;

  constructor(
    file: string,
    private readonly keys: string[],
    options: { limit?: number; maxLine?: number } = {},
  ) {
    this.facts = { unsafe: false, hasNull: false, escapedKey: false, kinds: new Map(keys.map((k) => [k, 0])), bytes: 0 };
    this.encoded = keys.map((k) => Buffer.from(k, 'utf8'));
    this.limit = options.limit ?? Infinity;
    this.maxLine = options.maxLine ?? 32 << 20;
    this.size = Math.min(CHUNK, Number.isFinite(this.limit) ? Math.max(this.limit, 1) : CHUNK);
    const { at } = scanModule();
    if (keys.length > at.maxKeys || this.encoded.reduce((n, k) => n + k.length, 0) > at.buf - at.keyBytes) {
      this.facts.unsafe = true;
      this.done = true;
    }
    this.file = file;
  }

  /** Scans the next chunk; true when the scan is over (then `facts` is complete). */
  step(): boolean {
    if (this.done) return true;
    try {
      // Opened at the first step: a scanner never stepped holds no file open.
      this.fd ??= fs.openSync(this.file, 'r');
      if (this.next()) this.close();
    } catch (err) {
      this.close();
      throw err;
    }
    return this.done;
  }

  /** Stops early (the file is closed; `facts` is then incomplete). */
  close(): void {
    this.done = true;
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }

  /** One chunk: true when the file (or the limit) is done. */
  private next(): boolean {
    const m = scanModule();
    const facts = this.facts;
    for (;;) {
      reserve(m, this.size);
      // A fresh view each time: growing the memory detaches the old one.
      const buf = new Uint8Array(m.memory.buffer, m.at.buf, this.size + m.at.slack);
      const held = this.tail.length;
      buf.set(this.tail, 0);
      const n = fs.readSync(this.fd!, buf, held, this.size - held, this.pos);
      const first = this.pos === 0;
      this.pos += n;
      const have = held + n;
      if (first && have >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) {
        facts.unsafe = true;
        return true;
      }
      const eof = n === 0 || this.pos >= this.limit;
      // Whole lines only; at the end of the file the last line may have no newline.
      let end = have;
      if (n !== 0) {
        end = buf.lastIndexOf(NEWLINE, have - 1) + 1;
        if (end === 0) {
          if (eof) return true;
          if (this.size >= this.maxLine) {
            facts.unsafe = true;
            return true;
          }
          // A line longer than the chunk: read it again into a bigger one.
          this.tail = Buffer.from(buf.subarray(0, have));
          this.size *= 2;
          continue;
        }
      }
      facts.bytes += end;
      this.tail = Buffer.from(buf.subarray(end, have));
      if (end > 0 && buf[end - 1] !== NEWLINE) buf[end++] = NEWLINE; // within the slack
      this.run(m, end);
      return n === 0 || eof;
    }
  }

  /** The module's scan over `length` bytes at its BUF, with this scanner's keys, kinds and flags. */
  private run(m: ScanModule, length: number): void {
    const facts = this.facts;
    const { at } = m;
    const bytes = new Uint8Array(m.memory.buffer);
    const words = new Uint32Array(m.memory.buffer);
    let key = at.keyBytes;
    this.encoded.forEach((k, i) => {
      bytes.set(k, key);
      words[(at.keys >> 2) + 2 * i] = key;
      words[(at.keys >> 2) + 2 * i + 1] = k.length;
      words[(at.kinds >> 2) + i] = facts.kinds.get(this.keys[i]!)!;
      key += k.length;
    });
    words.fill(0, at.flags >> 2, (at.flags >> 2) + 3);
    m.scan(at.buf, length, this.keys.length);
    this.keys.forEach((k, i) => facts.kinds.set(k, words[(at.kinds >> 2) + i]!));
    facts.unsafe ||= words[at.flags >> 2] !== 0;
    facts.hasNull ||= words[(at.flags >> 2) + 1] !== 0;
    facts.escapedKey ||= words[(at.flags >> 2) + 2] !== 0;
  }
}
