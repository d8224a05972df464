/**
 * Folders as users point at them: the data file a run folder stands for, and files that are not data
 * at all (a Git LFS pointer in place of the real file).
 *
 * - an HF Trainer `checkpoint-N/` (or output) folder: its `trainer_state.json`;
 * - a Lightning `version_N/` folder: its `metrics.csv` (CSVLogger) when it has no event files
 *   (TensorBoardLogger's event files are read as a TensorBoard run);
 * - anything else (an MLflow store, a folder of event files or of Parquet parts) stays the folder.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { IngestError } from './rows';

export function resolveDataPath(p: string): string {
  let st: fs.Stats;
  try {
    st = fs.statSync(p);
  } catch {
    return p;
  }
  if (!st.isDirectory()) return p;
  const has = (name: string) => {
    try {
      return fs.statSync(path.join(p, name)).isFile();
    } catch {
      return false;
    }
  };
  if (has('trainer_state.json')) return path.join(p, 'trainer_state.json');
  if (has('metrics.csv') && !fs.readdirSync(p).some((n) => /tfevents/.test(n))) return path.join(p, 'metrics.csv');
  return p;
}

const LFS = 'version https://git-lfs.github.com/spec/v1';

/** A Git LFS pointer checked out instead of its content: name it and say how to fetch it. */
export function refuseLfsPointer(file: string): void {
  let head: Buffer;
  try {
    const fd = fs.openSync(file, 'r');
    try {
      head = Buffer.alloc(200);
      head = head.subarray(0, fs.readSync(fd, head, 0, 200, 0));
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return;
  }
  const text = head.toString('utf8');
  if (!text.startsWith(LFS)) return;
  const size = /\nsize (\d+)/.exec(text)?.[1];
  throw new IngestError(file, `is a Git LFS pointer, not the data itself${size ? ` (the real file has ${Number(size).toLocaleString('en-US')} bytes)` : ''}; run \`git lfs pull\` (or \`git lfs pull --include "${path.basename(file)}"\`) to fetch it`);
}
