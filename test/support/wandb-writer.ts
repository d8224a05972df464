/**
 * Writes W&B transaction logs (`run-<id>.wandb`) for tests, independent of the reader: the framing
 * follows wandb's Python writer (`wandb/sdk/internal/datastore.py`, `_write_data` / `_write_record`)
 * step for step, with node's zlib.crc32; the Record protobufs are encoded from the field numbers of
 * `wandb/proto/wandb_internal.proto`. test/ingest-wandb.test.ts checks the framing reproduces the
 * real files of ../shared byte for byte.
 */
import * as zlib from 'node:zlib';
import { len, str, int } from './protobuf-writer';

const BLOCK = 32768;
const HEADER = 7;
const DATA_LEN = BLOCK - HEADER;
export const FULL = 1;
export const FIRST = 2;
export const MIDDLE = 3;
export const LAST = 4;

function crc(type: number, data: Uint8Array): number {
  return zlib.crc32(data, zlib.crc32(Buffer.from([type])));
}

export class WandbLogWriter {
  private parts: Buffer[] = [];
  private index = 0;
  /** Byte offset of each record written, in order. */
  readonly offsets: number[] = [];

  constructor(version = 0) {
    const h = Buffer.alloc(HEADER);
    h.write(':W&B', 0, 'latin1');
    h.writeUInt16LE(0xbee1, 4);
    h.writeUInt8(version, 6);
    this.put(h);
  }

  private put(b: Buffer): void {
    this.parts.push(b);
    this.index += b.length;
  }

  private chunk(s: Uint8Array, type: number): void {
    const h = Buffer.alloc(HEADER);
    h.writeUInt32LE(crc(type, s), 0);
    h.writeUInt16LE(s.length, 4);
    h.writeUInt8(type, 6);
    this.put(h);
    if (s.length) this.put(Buffer.from(s));
  }

  /** datastore.py `_write_data`. */
  write(s: Uint8Array): this {
    let spaceLeft = BLOCK - (this.index % BLOCK);
    if (spaceLeft < HEADER) {
      this.put(Buffer.alloc(spaceLeft));
      spaceLeft = BLOCK;
    }
    this.offsets.push(this.index);
    if (s.length + HEADER <= spaceLeft) {
      this.chunk(s, FULL);
      return this;
    }
    const room = spaceLeft - HEADER;
    this.chunk(s.subarray(0, room), FIRST);
    let used = room;
    let left = s.length - room;
    while (left > DATA_LEN) {
      this.chunk(s.subarray(used, used + DATA_LEN), MIDDLE);
      used += DATA_LEN;
      left -= DATA_LEN;
    }
    this.chunk(s.subarray(used), LAST);
    return this;
  }

  bytes(): Buffer {
    return Buffer.concat(this.parts);
  }
}

// ------------------------------------------------------------------ Record encoding (wandb_internal.proto)

/** HistoryItem / ConfigItem / SummaryItem: key = 1 (or nested_key = 2, repeated), value_json = 16. */
function itemBytes(k: string | string[], valueJson: string): number[] {
  return [...(Array.isArray(k) ? k.flatMap((p) => str(2, p)) : str(1, k)), ...str(16, valueJson)];
}

/** Python's json.dumps for the values tests use (NaN and Infinity as Python writes them). */
export function pyJson(v: unknown): string {
  if (typeof v === 'number' && !Number.isFinite(v)) return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
  return JSON.stringify(v);
}

function record(field: number, body: number[], num = 0): Buffer {
  return Buffer.from([...(num ? int(1, num) : []), ...len(field, body)]);
}

export const rec = {
  /** Record.history = 2: HistoryRecord { item = 1, step = 2 { num = 1 } }. */
  history(values: Record<string, unknown>, step?: number, num = 0): Buffer {
    const items = Object.entries(values).flatMap(([k, v]) => len(1, itemBytes(k.includes('\u0000') ? k.split('\u0000') : k, pyJson(v))));
    return record(2, [...items, ...(step !== undefined ? len(2, int(1, step)) : [])], num);
  },
  /** Record.summary = 3 / Record.config = 5: update = 1, remove = 2. */
  summary(update: Record<string, unknown>, remove: string[] = []): Buffer {
    return record(3, [...Object.entries(update).flatMap(([k, v]) => len(1, itemBytes(k, pyJson(v)))), ...remove.flatMap((k) => len(2, str(1, k)))]);
  },
  config(update: Record<string, unknown>, remove: string[] = []): Buffer {
    return record(5, [...Object.entries(update).flatMap(([k, v]) => len(1, itemBytes(k, pyJson(v)))), ...remove.flatMap((k) => len(2, str(1, k)))]);
  },
  /** Record.run = 17: RunRecord { run_id = 1, project = 3, config = 4, display_name = 8 }. */
  run(o: { id: string; project?: string; name?: string; config?: Record<string, unknown> }): Buffer {
    const config = Object.entries(o.config ?? {}).flatMap(([k, v]) => len(1, itemBytes(k, pyJson(v))));
    return record(17, [...str(1, o.id), ...(o.project ? str(3, o.project) : []), ...(config.length ? len(4, config) : []), ...(o.name ? str(8, o.name) : [])]);
  },
  /** Record.exit = 18: RunExitRecord { exit_code = 1, runtime = 2 }. */
  exit(code: number, runtime = 1): Buffer {
    return record(18, [...int(1, code), ...int(2, runtime)]);
  },
  /** Record.output_raw = 13 (console output), Record.stats = 7 and Record.header = 21: not curves. */
  output(line: string): Buffer {
    return record(13, [...int(1, 1), ...str(3, line)]);
  },
  header(): Buffer {
    return record(21, len(1, str(1, '0.19.0')));
  },
  /** A record type no version of wandb defines (field 99): must be ignored. */
  unknown(): Buffer {
    return Buffer.from([...len(99, str(1, 'future')), ...str(19, 'uuid')]);
  },
};
