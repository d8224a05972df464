/**
 * Text measurements of the data-quality analysis, each one pass over a string with no allocation:
 * lengths (code points, whitespace tokens), a whitespace-normalised 53-bit key for exact duplicate
 * detection, the sentence-end test for truncated responses, and the MinHash signature of a prompt
 * (word shingles, one-permutation hashing with optimal densification). Every definition here is
 * re-implemented independently in test/oracles/data_quality.py and documented in docs/analyses.md.
 */

const imul = Math.imul;

/** MurmurHash3's 32-bit finaliser: a bijection on 32-bit integers with full avalanche. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
/** Second lane of the 53-bit keys: a different offset so the two 32-bit lanes are independent. */
const LANE2_OFFSET = 0x9747b28c;

/** Whitespace is the ASCII set (space, \t, \n, \v, \f, \r): the same in every language's regex. */
function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/** Folds two 32-bit hashes into a 53-bit integer, exact as a double (a Map key). */
function key53(a: number, b: number): number {
  return (a >>> 0) * 2097152 + ((b >>> 0) & 0x1fffff);
}

export interface TextStats {
  /** Unicode code points. */
  chars: number;
  /** Maximal runs of non-whitespace characters. */
  tokens: number;
  /** 53-bit key of the text with leading/trailing whitespace removed and inner runs collapsed to one space; 0 for blank text. */
  key: number;
  /** 53-bit key of the text exactly as it is (what stringKey gives). */
  exact: number;
}

/** One pass: code points, whitespace tokens, the normalised key and the exact key (FNV-1a over UTF-16 code units, two lanes each). */
export function textStats(s: string): TextStats {
  let chars = 0;
  let tokens = 0;
  let h1 = FNV_OFFSET;
  let h2 = LANE2_OFFSET;
  let e1 = FNV_OFFSET;
  let e2 = LANE2_OFFSET;
  let inToken = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    e1 = imul(e1 ^ c, FNV_PRIME);
    e2 = imul(e2 ^ c, 0x01000197);
    // A low surrogate completes a code point already counted.
    if (c < 0xdc00 || c > 0xdfff) chars++;
    if (c === 32 || (c >= 9 && c <= 13)) {
      inToken = false;
      continue;
    }
    if (!inToken) {
      if (tokens > 0) {
        h1 = imul(h1 ^ 32, FNV_PRIME);
        h2 = imul(h2 ^ 32, 0x01000197);
      }
      tokens++;
      inToken = true;
    }
    h1 = imul(h1 ^ c, FNV_PRIME);
    h2 = imul(h2 ^ c, 0x01000197);
  }
  return { chars, tokens, key: tokens === 0 ? 0 : key53(h1, fmix32(h2)) || 1, exact: key53(e1, fmix32(e2)) };
}

/** Folds a field's name key and value key into a running row key (order matters). */
export function foldKey(acc: number, name: number, value: number): number {
  const a = fmix32((imul((acc / 2097152) >>> 0, FNV_PRIME) ^ (name / 2097152) ^ imul(value / 2097152, 0x9e3779b1)) >>> 0);
  const b = fmix32((imul(acc % 2097152, 0x01000197) ^ (name % 2097152) ^ imul(value % 2097152, 0x85ebca6b)) >>> 0);
  return key53(a, b);
}

/** 53-bit key of any string as is (exact duplicate rows hash their JSON text). */
export function stringKey(s: string): number {
  let h1 = FNV_OFFSET;
  let h2 = LANE2_OFFSET;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = imul(h1 ^ c, FNV_PRIME);
    h2 = imul(h2 ^ c, 0x01000197);
  }
  return key53(h1, fmix32(h2));
}

/** Characters after which a response reads as finished: sentence ends, closing quotes and brackets, code fences, emoji. */
const FINAL = new Set(['.', '!', '?', '…', '。', '！', '？', '"', "'", '”', '’', '»', ')', ']', '}', '>', '`', '*', '|']);

/**
 * Whether the text ends mid-sentence: its last non-whitespace character is a letter, comma, colon,
 * semicolon or dash (not punctuation that ends a sentence, a bracket or quote, markup, a symbol
 * such as an emoji, nor a digit: answers often end with a number, "#### 18").
 */
export function endsMidSentence(s: string): boolean {
  let i = s.length - 1;
  while (i >= 0 && isSpace(s.charCodeAt(i))) i--;
  if (i < 0) return false;
  let ch = s[i]!;
  const c = s.charCodeAt(i);
  if (c >= 0xdc00 && c <= 0xdfff && i > 0) ch = s.slice(i - 1, i + 1);
  if (FINAL.has(ch)) return false;
  return /^[\p{L},:;\-–—]$/u.test(ch);
}

// ---------------------------------------------------------------- MinHash

/** Words per shingle. */
export const SHINGLE_K = 3;
/** Bins of the one-permutation MinHash signature. */
export const NUM_PERM = 64;
/** LSH banding: BANDS bands of ROWS_PER_BAND bins (BANDS * ROWS_PER_BAND = NUM_PERM). */
export const BANDS = 16;
export const ROWS_PER_BAND = 4;
/** Estimated Jaccard similarity (share of equal bins) at or above which two prompts are near-duplicates. */
export const NEAR_DUPLICATE_THRESHOLD = 0.7;
/** Seed of the mulberry32 stream that draws the hash seeds. */
export const MINHASH_SEED = 1;
/** Densification probes per empty bin before the linear fallback. */
const PROBES = 16;

/** The engine's mulberry32 (analysis/stats/random.ts), inlined as uint32 outputs. */
function mulberry32u(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = imul(t ^ (t >>> 15), t | 1);
    t ^= t + imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

export interface MinHashParams {
  /** The first output of mulberry32(MINHASH_SEED): xored into every shingle hash before binning. */
  binSeed: number;
  /** For empty bin j, probe t (0-based): the bin it borrows from (NUM_PERM x PROBES, row-major). */
  probe: Uint8Array;
}

/** Draws the seeds: binSeed first, then one probe seed whose hash of (j, t) picks the bins densification tries. */
export function minHashParams(seed = MINHASH_SEED): MinHashParams {
  const next = mulberry32u(seed);
  const binSeed = next();
  const probeSeed = next();
  const probe = new Uint8Array(NUM_PERM * PROBES);
  for (let j = 0; j < NUM_PERM; j++) for (let t = 0; t < PROBES; t++) probe[j * PROBES + t] = fmix32((probeSeed ^ ((j << 8) | t)) >>> 0) >>> 26;
  return { binSeed, probe };
}

const EMPTY = 0xffffffff;

/**
 * Signature of a text: words are maximal runs of letters and digits (\p{L}, \p{N}), each character
 * lower-cased on its own; a word's hash is FNV-1a over the UTF-16 code units of its lower-cased
 * characters; a shingle is SHINGLE_K consecutive words (a text with fewer words is one shingle of
 * all of them) and its hash folds the word hashes as s = fmix32(imul(s, FNV_PRIME) ^ w) from
 * s = 0. One-permutation hashing: h = fmix32(shingle ^ binSeed), bin = h >>> 26, value = h & 0xffff,
 * each bin keeps its smallest value. Optimal densification: an empty bin j takes the value of the
 * first non-empty bin among probe[j][0..PROBES-1], else of the next non-empty bin after j
 * (cyclically). Writes NUM_PERM 16-bit values into `out` at `offset`; returns false (and writes
 * nothing) when the text has no word.
 */
export function minHashSignature(s: string, params: MinHashParams, out: Uint16Array, offset: number, scratch: Uint32Array = new Uint32Array(NUM_PERM)): boolean {
  const bins = scratch;
  bins.fill(EMPTY);
  const binSeed = params.binSeed;
  // The two previous word hashes (SHINGLE_K = 3 is fixed in this loop).
  let w0 = 0;
  let w1 = 0;
  let words = 0;
  let word = FNV_OFFSET;
  let inWord = false;
  const n = s.length;
  for (let i = 0; i <= n; i++) {
    let letter = false;
    if (i < n) {
      const c = s.charCodeAt(i);
      if (c < 128) {
        if (c >= 97 && c <= 122) letter = true;
        else if (c >= 65 && c <= 90) {
          word = imul(word ^ (c | 32), FNV_PRIME);
          inWord = true;
          continue;
        } else if (c >= 48 && c <= 57) letter = true;
        if (letter) {
          word = imul(word ^ c, FNV_PRIME);
          inWord = true;
          continue;
        }
      } else {
        // Outside ASCII: one code point (a surrogate pair together), tested and lower-cased on its own.
        let ch = s[i]!;
        if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
          const d = s.charCodeAt(i + 1);
          if (d >= 0xdc00 && d <= 0xdfff) ch = s.slice(i, i + 2);
        }
        if (LETTER_OR_DIGIT.test(ch)) {
          const lower = ch.toLowerCase();
          for (let k = 0; k < lower.length; k++) word = imul(word ^ lower.charCodeAt(k), FNV_PRIME);
          inWord = true;
          i += ch.length - 1;
          continue;
        }
      }
    }
    if (!inWord) continue;
    // A word ended.
    words++;
    const w = word >>> 0;
    if (words >= SHINGLE_K) {
      let sh = fmix32(w0);
      sh = fmix32((imul(sh, FNV_PRIME) ^ w1) >>> 0);
      sh = fmix32((imul(sh, FNV_PRIME) ^ w) >>> 0);
      const h = fmix32((sh ^ binSeed) >>> 0);
      const b = h >>> 26;
      const v = h & 0xffff;
      if (v < bins[b]!) bins[b] = v;
    }
    w0 = w1;
    w1 = w;
    word = FNV_OFFSET;
    inWord = false;
  }
  if (words === 0) return false;
  if (words < SHINGLE_K) {
    // One shingle of every word (words = 1: w1 holds it; words = 2: w0 and w1).
    let sh = 0;
    if (words === 2) sh = fmix32((imul(sh, FNV_PRIME) ^ w0) >>> 0);
    sh = fmix32((imul(sh, FNV_PRIME) ^ w1) >>> 0);
    const h = fmix32((sh ^ binSeed) >>> 0);
    const b = h >>> 26;
    const v = h & 0xffff;
    if (v < bins[b]!) bins[b] = v;
  }
  const probe = params.probe;
  for (let j = 0; j < NUM_PERM; j++) {
    let v = bins[j]!;
    if (v === EMPTY) {
      let t = 0;
      for (; t < PROBES; t++) {
        const k = probe[j * PROBES + t]!;
        if (bins[k] !== EMPTY) {
          v = bins[k]!;
          break;
        }
      }
      if (t === PROBES) {
        for (let d = 1; d < NUM_PERM; d++) {
          const k = (j + d) % NUM_PERM;
          if (bins[k] !== EMPTY) {
            v = bins[k]!;
            break;
          }
        }
      }
    }
    out[offset + j] = v;
  }
  return true;
}

const LETTER_OR_DIGIT = /^[\p{L}\p{N}]$/u;

/** Estimated Jaccard similarity: the share of equal bins of two signatures. */
export function signatureSimilarity(sig: Uint16Array, a: number, b: number): number {
  let same = 0;
  const x = a * NUM_PERM;
  const y = b * NUM_PERM;
  for (let j = 0; j < NUM_PERM; j++) if (sig[x + j] === sig[y + j]) same++;
  return same / NUM_PERM;
}

/** Same, between signatures of two different arrays. */
export function crossSimilarity(sa: Uint16Array, a: number, sb: Uint16Array, b: number): number {
  let same = 0;
  const x = a * NUM_PERM;
  const y = b * NUM_PERM;
  for (let j = 0; j < NUM_PERM; j++) if (sa[x + j] === sb[y + j]) same++;
  return same / NUM_PERM;
}

/** The key of band `band` of signature `i`: its 4 values packed into two 32-bit words, folded by fmix32 from a seed of the band number. */
export function bandKey(sig: Uint16Array, i: number, band: number): number {
  const base = i * NUM_PERM + band * ROWS_PER_BAND;
  const lo = (sig[base]! | (sig[base + 1]! << 16)) >>> 0;
  const hi = (sig[base + 2]! | (sig[base + 3]! << 16)) >>> 0;
  return fmix32((fmix32((imul(band + 1, 0x9e3779b1) ^ lo) >>> 0) ^ hi) >>> 0);
}

/**
 * The buckets of one LSH band (open addressing, linear probing): band key -> the first signature
 * (by index) with that key. One table is reused band after band (`reset`), so memory is one table,
 * not BANDS tables, and it stays small enough to be cache-friendly.
 */
export class BandTable {
  private readonly keys: Uint32Array;
  private readonly reps: Int32Array;
  private readonly mask: number;

  constructor(capacityHint: number) {
    let cap = 1024;
    while (cap < capacityHint * 2) cap *= 2;
    this.mask = cap - 1;
    this.keys = new Uint32Array(cap);
    this.reps = new Int32Array(cap).fill(-1);
  }

  reset(): void {
    this.reps.fill(-1);
  }

  /** The representative of `key`, or -1; with `insert`, registers `insert` when there is none. */
  lookup(key: number, insert: number = -1): number {
    let slot = fmix32((key ^ 0x5bd1e995) >>> 0) & this.mask;
    for (;;) {
      const rep = this.reps[slot]!;
      if (rep === -1) {
        if (insert >= 0) {
          this.reps[slot] = insert;
          this.keys[slot] = key;
        }
        return -1;
      }
      if (this.keys[slot] === key) return rep;
      slot = (slot + 1) & this.mask;
    }
  }
}

/**
 * A set of 53-bit keys (as doubles) with an index per key: open addressing over typed arrays, so
 * a million keys cost two typed arrays instead of a Map of heap numbers.
 */
export class KeyIndex {
  private keys: Float64Array;
  private values: Int32Array;
  private mask: number;
  size = 0;

  constructor(capacityHint = 1024) {
    let cap = 1024;
    while (cap < capacityHint * 2) cap *= 2;
    this.mask = cap - 1;
    this.keys = new Float64Array(cap);
    this.values = new Int32Array(cap).fill(-1);
  }

  private slot(key: number): number {
    return fmix32(((key % 4294967296) ^ imul((key / 4294967296) >>> 0, 0x9e3779b1)) >>> 0) & this.mask;
  }

  /** The value stored for `key`, or -1. */
  get(key: number): number {
    let s = this.slot(key);
    for (;;) {
      const v = this.values[s]!;
      if (v === -1 || this.keys[s] === key) return v;
      s = (s + 1) & this.mask;
    }
  }

  /** The value of `key`; stores `value` (>= 0) and returns -1 when the key is new. */
  getOrSet(key: number, value: number): number {
    if ((this.size + 1) * 2 > this.mask + 1) this.grow();
    let s = this.slot(key);
    for (;;) {
      const v = this.values[s]!;
      if (v === -1) {
        this.keys[s] = key;
        this.values[s] = value;
        this.size++;
        return -1;
      }
      if (this.keys[s] === key) return v;
      s = (s + 1) & this.mask;
    }
  }

  /** Every (key, value), in slot order. */
  *entries(): IterableIterator<[number, number]> {
    for (let s = 0; s <= this.mask; s++) if (this.values[s] !== -1) yield [this.keys[s]!, this.values[s]!];
  }

  private grow(): void {
    const keys = this.keys;
    const values = this.values;
    const cap = (this.mask + 1) * 2;
    this.mask = cap - 1;
    this.keys = new Float64Array(cap);
    this.values = new Int32Array(cap).fill(-1);
    this.size = 0;
    for (let s = 0; s < values.length; s++) if (values[s] !== -1) this.getOrSet(keys[s]!, values[s]!);
  }
}
