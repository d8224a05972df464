/** Opens a data file as a byte stream, decompressing `.gz` and `.zst` files, with clear errors for missing files. */
import * as fs from 'node:fs';
import * as zlib from 'node:zlib';
import { Transform, type Readable } from 'node:stream';
import { Decompress } from 'fzstd';
import { IngestError } from './rows';

/** Compressed by name: gzip (`.gz`) or Zstandard (`.zst`, as `zstd` and HF tooling write it). */
export function isGzip(file: string): boolean {
  return /\.(gz|zst)$/i.test(file);
}

export function isZstd(file: string): boolean {
  return /\.zst$/i.test(file);
}

/** The file name without a trailing `.gz`/`.zst`, lower-cased (for format detection). */
export function logicalName(file: string): string {
  return file.replace(/\.(gz|zst)$/i, '').toLowerCase();
}

/** Zstandard decompression as a stream (fzstd: pure JS, streaming, no native binary). */
function unzstd(): Transform {
  let decoder: Decompress;
  const t = new Transform({
    transform(chunk: Buffer, _enc, done) {
      try {
        decoder.push(chunk);
        done();
      } catch (err) {
        done(Object.assign(new Error(`not a valid zstd file (${(err as Error).message})`), { code: 'ZSTD_ERROR' }));
      }
    },
    flush(done) {
      try {
        decoder.push(new Uint8Array(0), true);
        done();
      } catch (err) {
        done(Object.assign(new Error(`not a valid zstd file (${(err as Error).message})`), { code: 'ZSTD_ERROR' }));
      }
    },
  });
  decoder = new Decompress((data) => t.push(Buffer.from(data)));
  return t;
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
  if (isZstd(file)) {
    const z = unzstd();
    raw.on('error', (e) => z.destroy(e));
    raw.pipe(z);
    return z;
  }
  const gunzip = zlib.createGunzip();
  raw.on('error', (e) => gunzip.destroy(e));
  raw.pipe(gunzip);
  return gunzip;
}

/** Wraps low-level stream errors (gzip, EISDIR, ...) into an IngestError naming the file. */
export function asIngestError(file: string, err: unknown): Error {
  if (err instanceof IngestError) return err;
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'ZSTD_ERROR') return new IngestError(file, e.message);
  if (e.code === 'Z_DATA_ERROR' || e.code === 'Z_BUF_ERROR' || /incorrect header check|unexpected end of file/i.test(e.message)) {
    return new IngestError(file, `not a valid gzip file (${e.message})`);
  }
  if (e.code === 'ENOENT') return new IngestError(file, 'no such file or folder');
  if (e.code === 'EISDIR') return new IngestError(file, 'is a folder, not a data file');
  return new IngestError(file, e.message);
}
