/** JSON Lines: one object a line. Blank lines are ignored; an unparsable line is skipped and counted. */
import * as readline from 'node:readline';
import { openBytes, asIngestError } from './source';
import { parsePythonJson } from './python-json';
import type { SkipLog, SourceRow } from './rows';

/** Lines longer than this are skipped unparsed (a guard against a binary or minified file). */
export const MAX_JSONL_LINE_CHARS = 16 * 1024 * 1024;

export async function* readJsonl(file: string, skipped: SkipLog, onBytes?: (n: number) => void): AsyncGenerator<SourceRow> {
  const input = openBytes(file, onBytes);
  const lines = readline.createInterface({ input, crlfDelay: Infinity });
  let line = 0;
  try {
    for await (const raw of lines) {
      line++;
      const text = (line === 1 ? raw.replace(/^\uFEFF/, '') : raw).trim();
      if (text === '') continue;
      if (text.length > MAX_JSONL_LINE_CHARS) {
        skipped.add(line, `line longer than ${MAX_JSONL_LINE_CHARS} characters`);
        continue;
      }
      let value: unknown;
      try {
        value = parsePythonJson(text);
      } catch (err) {
        skipped.add(line, `invalid JSON: ${(err as Error).message}`);
        continue;
      }
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        skipped.add(line, `expected a JSON object, got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`);
        continue;
      }
      yield { line, value: value as Record<string, unknown> };
    }
  } catch (err) {
    throw asIngestError(file, err);
  } finally {
    lines.close();
    input.destroy();
  }
}
