/** Helpers for framework-config tests: the real configs in ../shared, read in place and mutated in memory. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT } from './lsp';

export const REAL_CONFIGS = path.resolve(ROOT, '..', 'shared', 'fixtures', 'real', 'configs');
export const HAVE_REAL = fs.existsSync(REAL_CONFIGS);
export const SKIP_REAL: string | false = !HAVE_REAL && `${REAL_CONFIGS} is absent (a clone without ../shared)`;

export function realFile(name: string): { path: string; text: string } {
  const p = path.join(REAL_CONFIGS, name);
  return { path: p, text: fs.readFileSync(p, 'utf8') };
}

/** The real file with string edits applied in order (each must apply); `line` is the 1-based line of the first edit. */
export function mutate(name: string, ...edits: [string | RegExp, string][]): { text: string; path: string; line: number } {
  const { path: p, text } = realFile(name);
  let out = text;
  let line = 0;
  for (const [from, to] of edits) {
    const at = typeof from === 'string' ? out.indexOf(from) : out.search(from);
    assert.ok(at >= 0, `${name}: ${String(from)} not found`);
    if (!line) line = out.slice(0, at).split('\n').length;
    out = out.replace(from, to);
  }
  return { text: out, path: p, line };
}

/** 1-based line of the first line of `text` that starts with `prefix`. */
export function lineOf(text: string, prefix: string): number {
  const i = text.split('\n').findIndex((l) => l.startsWith(prefix));
  assert.ok(i >= 0, `no line starts with ${prefix}`);
  return i + 1;
}
