/** Opens a data file as a byte stream, gunzipping `.gz` files, with clear errors for missing files. */
import * as fs from 'node:fs';
import * as zlib from 'node:zlib';
import type { Readable } from 'node:stream';
import { IngestError } from './rows';

export function isGzip(file: string): boolean {
  return /\.gz$/i.test(file);
}

/** The file name without a trailing `.gz`, lower-cased (for format detection). */
export function logicalName(file: string): string {
  return file.replace(/\.gz$/i, '').toLowerCase();
}

export function statOrThrow(file: string): fs.Stats {
  try {
    return fs.statSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new IngestError(file, code === 'ENOENT' ? 'no such file or folder' : `cannot read: ${(err as Error).message}`);
  }
}

/** A byte stream of the file's (decompressed) content. Gzip errors surface as IngestError. */
export function openBytes(file: string, onBytes?: (n: number) => void): Readable {
  const raw = fs.createReadStream(file, { highWaterMark: 256 * 1024 });
  if (onBytes) raw.on('data', (b: Buffer | string) => onBytes(b.length));
  if (!isGzip(file)) return raw;
  const gunzip = zlib.createGunzip();
  raw.on('error', (e) => gunzip.destroy(e));
  raw.pipe(gunzip);
  return gunzip;
}

/** Wraps low-level stream errors (gzip, EISDIR, ...) into an IngestError naming the file. */
export function asIngestError(file: string, err: unknown): Error {
  if (err instanceof IngestError) return err;
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'Z_DATA_ERROR' || e.code === 'Z_BUF_ERROR' || /incorrect header check|unexpected end of file/i.test(e.message)) {
    return new IngestError(file, `not a valid gzip file (${e.message})`);
  }
  if (e.code === 'ENOENT') return new IngestError(file, 'no such file or folder');
  if (e.code === 'EISDIR') return new IngestError(file, 'is a folder, not a data file');
  return new IngestError(file, e.message);
}
