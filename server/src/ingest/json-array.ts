/**
 * JSON documents: a top-level array of objects, and a Hugging Face trainer_state.json (its
 * `log_history` array). Python's NaN/Infinity are accepted.
 *
 * A document up to WHOLE_FILE_LIMIT bytes (uncompressed files) is parsed in one go: JSON.parse is
 * about 100x faster than a streaming tokenizer and such a file costs a few times its size in memory.
 * Larger or gzipped documents are streamed element by element (stream-json), bounded in memory. Rows are numbered by their 1-based position in the array
 * (reported as `line`). A syntax error ends the file: rows before it are kept, the error is skipped.
 */
import * as fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { PassThrough } from 'node:stream';
import { parser } from 'stream-json';
import { streamArray } from 'stream-json/streamers/stream-array.js';
import { pick } from 'stream-json/filters/pick.js';
import { openBytes, asIngestError, isGzip } from './source';
import { parsePythonJson, pythonLiteralsTransform, reviveDeep } from './python-json';
import { IngestError, type SkipLog, type SourceRow } from './rows';

async function* streamElements(file: string, pickPath: string | undefined, skipped: SkipLog, onBytes?: (n: number) => void): AsyncGenerator<SourceRow> {
  const out = new PassThrough({ objectMode: true });
  const stages = [openBytes(file, onBytes), pythonLiteralsTransform(), parser.asStream(), ...(pickPath ? [pick.asStream({ filter: pickPath })] : []), streamArray.asStream()];
  let failure: unknown;
  const done = pipeline([...stages, out] as (NodeJS.ReadableStream | NodeJS.WritableStream)[]).catch((err: unknown) => {
    failure = err;
    out.end();
  });
  let index = 0;
  try {
    for await (const item of out as AsyncIterable<{ key: number; value: unknown }>) {
      index = item.key + 1;
      const value = reviveDeep(item.value);
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        skipped.add(index, `entry ${index} is not an object`);
        continue;
      }
      yield { line: index, value: value as Record<string, unknown> };
    }
  } catch (err) {
    failure ??= err;
  }
  await done;
  if (failure) {
    const err = asIngestError(file, failure);
    if (index === 0) {
      const hint = /Top-level object should be an array|expected an array/i.test(String((failure as Error).message))
        ? pickPath ? `has no "${pickPath}" array` : 'is not a JSON array of objects'
        : err instanceof IngestError ? err.reason : String(err);
      throw new IngestError(file, hint);
    }
    skipped.add(index + 1, `JSON syntax error after entry ${index}, rest of the file ignored: ${(failure as Error).message}`);
  }
}

export const WHOLE_FILE_LIMIT = 64 * 1024 * 1024;

async function* parseWhole(file: string, pickKey: string | undefined, skipped: SkipLog, onBytes?: (n: number) => void): AsyncGenerator<SourceRow> {
  const text = fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  onBytes?.(Buffer.byteLength(text));
  let doc: unknown;
  try {
    doc = parsePythonJson(text);
  } catch {
    // Fall back to streaming, which keeps the rows before the syntax error and reports where it is.
    yield* streamElements(file, pickKey, skipped);
    return;
  }
  const list = pickKey ? (doc && typeof doc === 'object' && !Array.isArray(doc) ? (doc as Record<string, unknown>)[pickKey] : undefined) : doc;
  if (!Array.isArray(list)) throw new IngestError(file, pickKey ? `has no "${pickKey}" array` : 'is not a JSON array of objects');
  for (let i = 0; i < list.length; i++) {
    const value: unknown = list[i];
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      skipped.add(i + 1, `entry ${i + 1} is not an object`);
      continue;
    }
    yield { line: i + 1, value: value as Record<string, unknown> };
  }
}

function readDocument(file: string, pickKey: string | undefined, skipped: SkipLog, onBytes?: (n: number) => void): AsyncGenerator<SourceRow> {
  const small = !isGzip(file) && fs.statSync(file).size <= WHOLE_FILE_LIMIT;
  return small ? parseWhole(file, pickKey, skipped, onBytes) : streamElements(file, pickKey, skipped, onBytes);
}

export function readJsonArray(file: string, skipped: SkipLog, onBytes?: (n: number) => void): AsyncGenerator<SourceRow> {
  return readDocument(file, undefined, skipped, onBytes);
}

/** Rows of a trainer_state.json `log_history`: each entry as logged (step, loss, learning_rate or lr, eval_*, rewards/*, ...). */
export function readTrainerState(file: string, skipped: SkipLog, onBytes?: (n: number) => void): AsyncGenerator<SourceRow> {
  return readDocument(file, 'log_history', skipped, onBytes);
}
