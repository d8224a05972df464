/** Content hashes: what makes a cached result valid. Files are hashed by their bytes, folders (MLflow runs) by every file in them. */
import { createHash, type Hash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { IngestError } from '../ingest/rows';
import { expandGlob } from '../ingest/parquet';
import { resolveDataPath } from '../ingest/folders';

async function hashFileInto(h: Hash, file: string): Promise<void> {
  try {
    for await (const chunk of fs.createReadStream(file, { highWaterMark: 1024 * 1024 }) as AsyncIterable<Buffer>) h.update(chunk);
  } catch (err) {
    // Deleted between the stat and the open: the same message as a file missing from the start.
    throw new IngestError(file, (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or folder' : (err as Error).message);
  }
}

async function hashPathInto(h: Hash, p: string, rel: string): Promise<void> {
  const globbed = expandGlob(p);
  if (globbed) {
    // A glob of part files is its matching files, by name.
    for (const f of globbed) await hashPathInto(h, f, `${rel}/${path.basename(f)}`);
    return;
  }
  let st: fs.Stats;
  try {
    st = fs.statSync(p);
  } catch (err) {
    throw new IngestError(p, (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or folder' : (err as Error).message);
  }
  if (st.isDirectory()) {
    for (const name of fs.readdirSync(p).sort()) await hashPathInto(h, path.join(p, name), `${rel}/${name}`);
  } else if (st.isFile()) {
    h.update(`\u0000${rel}\u0000${st.size}\u0000`);
    await hashFileInto(h, p);
  }
}

/** sha256 over the bytes of each path in order (folders recursively, names included). */
export async function contentHash(paths: readonly string[]): Promise<string> {
  const h = createHash('sha256');
  for (const p of paths) {
    h.update(`\u0001${paths.length}\u0001`);
    // A checkpoint folder is its trainer_state.json, not its gigabytes of weights.
    await hashPathInto(h, resolveDataPath(p), '.');
  }
  return h.digest('hex');
}

export function textHash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
