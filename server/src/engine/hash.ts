/** Content hashes: what makes a cached result valid. Files are hashed by their bytes, folders (MLflow runs) by every file in them. */
import { createHash, type Hash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { IngestError } from '../ingest/rows';
import { expandGlob } from '../ingest/parquet';
import { resolveDataPath } from '../ingest/folders';
import { wandbInputFiles } from '../ingest/wandb';

async function hashFileInto(h: Hash, file: string): Promise<void> {
  try {
    for await (const chunk of fs.createReadStream(file, { highWaterMark: 1024 * 1024 }) as AsyncIterable<Buffer>) h.update(chunk);
  } catch (err) {
    // Deleted between the stat and the open: the same message as a file missing from the start.
    throw new IngestError(file, (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or folder' : (err as Error).message);
  }
}

function statOrThrow(p: string): fs.BigIntStats {
  try {
    return fs.statSync(p, { bigint: true });
  } catch (err) {
    throw new IngestError(p, (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or folder' : (err as Error).message);
  }
}

/**
 * The files a path stands for, in hashing order, with their stats: a glob of part files is its
 * matching files by name, a folder every file in it (names sorted), a checkpoint folder its
 * trainer_state.json (not its gigabytes of weights). Both the hash and the stamp walk this.
 */
function filesOf(p: string, rel: string, out: { rel: string; file: string; st: fs.BigIntStats }[]): void {
  const globbed = expandGlob(p);
  if (globbed) {
    for (const f of globbed) filesOf(f, `${rel}/${path.basename(f)}`, out);
    return;
  }
  const st = statOrThrow(p);
  const wandb = st.isDirectory() ? wandbInputFiles(p) : undefined;
  if (wandb) {
    // A W&B run is its log and files/ config, history and summary, not its media and artifacts.
    for (const f of wandb) filesOf(f, `${rel}/${path.relative(p, f).split(path.sep).join('/')}`, out);
  } else if (st.isDirectory()) {
    for (const name of fs.readdirSync(p).sort()) filesOf(path.join(p, name), `${rel}/${name}`, out);
  } else if (st.isFile()) out.push({ rel, file: p, st });
}

function walk(paths: readonly string[]): { rel: string; file: string; st: fs.BigIntStats }[][] {
  return paths.map((p) => {
    const out: { rel: string; file: string; st: fs.BigIntStats }[] = [];
    filesOf(resolveDataPath(p), '.', out);
    return out;
  });
}

/** sha256 over the bytes of each path in order (folders recursively, names included). */
export async function contentHash(paths: readonly string[]): Promise<string> {
  const h = createHash('sha256');
  for (const files of walk(paths)) {
    h.update(`\u0001${paths.length}\u0001`);
    for (const f of files) {
      h.update(`\u0000${f.rel}\u0000${f.st.size}\u0000`);
      await hashFileInto(h, f.file);
    }
  }
  return h.digest('hex');
}

/**
 * How recently a file must have been modified for its stat to be no proof that it is unchanged:
 * file systems stamp a write with a coarse clock (a kernel tick on Linux, 1 s on HFS+, 2 s on FAT),
 * so a second write within the tick of the one seen leaves mtime and size as they were. Git treats
 * such "racily clean" index entries the same way (Documentation/technical/racy-git.txt).
 */
export const RACY_MS = 3000;

/**
 * What the file system says about each file a result depends on (name, size, mtime and ctime in
 * nanoseconds, inode), and whether any of them was modified too recently for that to prove anything.
 */
export interface ContentStamp {
  stats: string;
  racy: boolean;
}

export function contentStamp(paths: readonly string[]): ContentStamp {
  const now = BigInt(Date.now() - RACY_MS) * 1_000_000n;
  let racy = false;
  const parts: string[] = [];
  for (const files of walk(paths)) {
    parts.push(`\u0001${files.length}`);
    for (const { rel, st } of files) {
      // mtime can be set back by anyone who can write the file (utimes, cp -p); ctime cannot, but a
      // recent ctime is as weak a proof as a recent mtime.
      if (st.mtimeNs >= now || st.ctimeNs >= now) racy = true;
      parts.push(`${rel}\u0000${st.size}\u0000${st.mtimeNs}\u0000${st.ctimeNs}\u0000${st.ino}\u0000${st.dev}`);
    }
  }
  return { stats: parts.join('\n'), racy };
}

export function textHash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
