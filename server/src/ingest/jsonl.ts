/** JSON Lines: one object a line. Blank lines are ignored; an unparsable line is skipped and counted. */
import * as readline from 'node:readline';
import { openBytes, asIngestError } from './source';
import { parsePythonJson } from './python-json';
import type { SkipLog, SourceRow } from './rows';

/** Lines longer than this are skipped unparsed (a guard against a binary or minified file). */
export const MAX_JSONL_LINE_CHARS = 16 * 1024 * 1024;

/** One line as the built-in reader takes it: blank (ignored), a row, or skipped with the reason. */
export type JsonlLine = { kind: 'blank' } | { kind: 'row'; value: Record<string, unknown> } | { kind: 'skip'; reason: string };

/**
 * The built-in reader's reading of one line (`first`: the file's first, which may start with a
 * UTF-8 BOM): trimmed, parsed with Python's NaN / Infinity, and only an object is a row. The engine's
 * fast path reads a file's first line through this too (engine/duckdb/fast.ts).
 */
export function parseJsonlLine(raw: string, first: boolean): JsonlLine {
  const text = (first ? raw.replace(/^\uFEFF/, '') : raw).trim();
  if (text === '') return { kind: 'blank' };
  if (text.length > MAX_JSONL_LINE_CHARS) return { kind: 'skip', reason: `line longer than ${MAX_JSONL_LINE_CHARS} characters` };
  let value: unknown;
  try {
    value = parsePythonJson(text);
  } catch (err) {
    return { kind: 'skip', reason: `invalid JSON: ${(err as Error).message}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { kind: 'skip', reason: `expected a JSON object, got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}` };
  }
  return { kind: 'row', value: value as Record<string, unknown> };
}

export async function* readJsonl(file: string, skipped: SkipLog, onBytes?: (n: number) => void): AsyncGenerator<SourceRow> {
  const input = openBytes(file, onBytes);
  const lines = readline.createInterface({ input, crlfDelay: Infinity });
  let line = 0;
  try {
    for await (const raw of lines) {
      line++;
      const parsed = parseJsonlLine(raw, line === 1);
      if (parsed.kind === 'skip') skipped.add(line, parsed.reason);
      else if (parsed.kind === 'row') yield { line, value: parsed.value };
    }
  } catch (err) {
    throw asIngestError(file, err);
  } finally {
    lines.close();
    input.destroy();
  }
}
