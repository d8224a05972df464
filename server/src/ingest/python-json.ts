/**
 * Python's `json` module writes NaN, Infinity and -Infinity as bare words (HF trainer logs do),
 * which JSON.parse rejects. These helpers turn such words outside strings into marker strings and
 * back into numbers, so a NaN loss is read as NaN (and can raise an alert) instead of killing the row.
 */
import { Transform, type TransformCallback } from 'node:stream';

const MARK = '\u0000py:';
const WORDS: Record<string, number> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };

/** Rewrites bare NaN/Infinity/-Infinity (outside strings) of a complete JSON text into marker strings. */
export function quotePythonLiterals(text: string): string {
  if (!/NaN|Infinity/.test(text)) return text;
  const scanner = new LiteralScanner();
  return scanner.push(text) + scanner.flush();
}

/** JSON.parse that also accepts Python's NaN/Infinity. Throws SyntaxError like JSON.parse. */
export function parsePythonJson(text: string): unknown {
  const quoted = quotePythonLiterals(text);
  return quoted === text ? JSON.parse(text) : JSON.parse(quoted, revivePythonLiterals);
}

/** Turns marker strings back into numbers (a JSON.parse reviver, also used on streamed values). */
export function revivePythonLiterals(_key: string, value: unknown): unknown {
  return typeof value === 'string' && value.startsWith(MARK) ? WORDS[value.slice(MARK.length)] : value;
}

/** Deep version of revivePythonLiterals for values assembled by a streaming parser. */
export function reviveDeep(value: unknown): unknown {
  if (typeof value === 'string') return revivePythonLiterals('', value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = reviveDeep(value[i]);
    return value;
  }
  if (value && typeof value === 'object') {
    const rec = value as Record<string, unknown>;
    for (const k of Object.keys(rec)) rec[k] = reviveDeep(rec[k]);
  }
  return value;
}

/** Incremental scanner: tracks string state across chunks and holds back a word cut by a chunk end. */
class LiteralScanner {
  private inString = false;
  private escaped = false;
  private pending = '';

  push(chunk: string): string {
    const text = this.pending + chunk;
    this.pending = '';
    // Copy untouched stretches as slices; only words outside strings are examined.
    let out = '';
    let copied = 0;
    let i = 0;
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === 92 /* \\ */) this.escaped = true;
        else if (c === 34 /* " */) this.inString = false;
        i++;
        continue;
      }
      if (c === 34) {
        this.inString = true;
        i++;
        continue;
      }
      const isMinus = c === 45 && (i + 1 === text.length || text.charCodeAt(i + 1) === 73);
      if (c === 78 /* N */ || c === 73 /* I */ || isMinus) {
        let j = i + (isMinus ? 1 : 0);
        while (j < text.length && /[A-Za-z]/.test(text[j]!)) j++;
        if (j === text.length) {
          // The word may continue in the next chunk.
          this.pending = text.slice(i);
          return out + text.slice(copied, i);
        }
        const word = text.slice(i, j);
        if (word in WORDS) {
          out += text.slice(copied, i) + JSON.stringify(MARK + word);
          copied = j;
        }
        i = j;
        continue;
      }
      i++;
    }
    return out + text.slice(copied);
  }

  flush(): string {
    const rest = this.pending;
    this.pending = '';
    return rest in WORDS ? JSON.stringify(MARK + rest) : rest;
  }
}

/** A stream Transform applying quotePythonLiterals to a byte stream of JSON text (UTF-8). */
export function pythonLiteralsTransform(): Transform {
  const scanner = new LiteralScanner();
  const decoder = new TextDecoder('utf-8');
  return new Transform({
    transform(chunk: Buffer, _enc, done: TransformCallback) {
      done(null, scanner.push(decoder.decode(chunk, { stream: true })));
    },
    flush(done: TransformCallback) {
      done(null, scanner.push(decoder.decode()) + scanner.flush());
    },
  });
}
