/**
 * WorkspaceFacts over the file system, for the language server and the CLI: what exists, which kind
 * of config a YAML file is, and a sample of a data file. Answers are cached per file and dropped
 * when the file's mtime or size changes; open editor buffers override the disk.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { detectKind, mayBeConfigFile, type ConfigKind, type KindMap } from '../config/kind';
import type { DataFileSample, WorkspaceFacts } from '../config/workspace-facts';
import { parseDataSample } from './data-sample';
import { parse as parseYaml } from 'yaml';
import { parseConnections } from '../connections/config';
import { findSettingsFile } from '../connections/load';

/** Bytes read from the head of a file for kinds and samples. */
export const HEAD_BYTES = 64 * 1024;

interface CacheEntry {
  mtimeMs: number;
  size: number;
  kind?: ConfigKind | null;
  sample?: DataFileSample | null;
  json?: { value: unknown } | null;
}

/** The kind of a file's text, null when it is none of ours (kind.ts decides). */
export function kindOfText(filePath: string, text: string, kindMap?: KindMap): ConfigKind | null {
  return detectKind(filePath, text, kindMap) ?? null;
}

function readHead(filePath: string, size: number): string {
  const fd = fs.openSync(filePath, 'r');
  try {
    const buf = Buffer.alloc(Math.min(size, HEAD_BYTES));
    const n = fs.readSync(fd, buf, 0, buf.length, 0);
    return buf.subarray(0, n).toString('utf8');
  } finally {
    fs.closeSync(fd);
  }
}


export class FileSystemFacts implements WorkspaceFacts {
  private readonly overrides = new Map<string, string>();
  private readonly cache = new Map<string, CacheEntry>();

  /** `kindMapFor`: the `files:` map of the `.rlhf-lens.yaml` that applies to a path. */
  constructor(private readonly kindMapFor: (absPath: string) => KindMap | undefined = () => undefined) {}

  /** Uses `text` instead of the disk for `filePath` (an open editor buffer); undefined removes it. */
  override(filePath: string, text: string | undefined): void {
    if (text === undefined) this.overrides.delete(filePath);
    else this.overrides.set(filePath, text);
  }

  /** Forgets what is known about a file (it changed on disk). */
  invalidate(filePath: string): void {
    this.cache.delete(filePath);
  }

  exists(absPath: string): boolean {
    return this.overrides.has(absPath) || fs.existsSync(absPath);
  }

  /** Connection names from the nearest `.rlhf-lens.yaml` (an open buffer wins over the disk). */
  connections(configPath: string): { names: string[]; file: string | undefined } {
    const file = findSettingsFile(path.dirname(configPath));
    if (!file) return { names: [], file: undefined };
    const open = this.overrides.get(file);
    let value: unknown;
    try {
      value = parseYaml(open ?? fs.readFileSync(file, 'utf8'));
    } catch {
      return { names: [], file };
    }
    const raw = value && typeof value === 'object' ? (value as Record<string, unknown>)['connections'] : undefined;
    return { names: Object.keys(parseConnections(raw, file).connections), file };
  }

  configKind(absPath: string): ConfigKind | null | undefined {
    if (!mayBeConfigFile(absPath)) return this.exists(absPath) ? null : undefined;
    const open = this.overrides.get(absPath);
    if (open !== undefined) return kindOfText(absPath, open, this.kindMapFor(absPath));
    const entry = this.entry(absPath);
    if (!entry) return undefined;
    if (entry.kind === undefined) {
      try {
        const head = readHead(absPath, entry.size);
        entry.kind = kindOfText(absPath, head, this.kindMapFor(absPath));
      } catch {
        return undefined;
      }
    }
    return entry.kind;
  }

  dataSample(absPath: string): DataFileSample | undefined {
    const open = this.overrides.get(absPath);
    if (open !== undefined) return parseDataSample(absPath, open.slice(0, HEAD_BYTES), open.length <= HEAD_BYTES);
    const entry = this.entry(absPath);
    if (!entry) return undefined;
    if (entry.sample === undefined) {
      try {
        entry.sample = parseDataSample(absPath, readHead(absPath, entry.size), entry.size <= HEAD_BYTES) ?? null;
      } catch {
        return undefined;
      }
    }
    return entry.sample ?? undefined;
  }

  jsonFile(absPath: string): unknown {
    const open = this.overrides.get(absPath);
    const parse = (text: string): { value: unknown } | null => {
      try {
        return { value: JSON.parse(text) as unknown };
      } catch {
        return null;
      }
    };
    if (open !== undefined) return parse(open)?.value;
    const entry = this.entry(absPath);
    if (!entry || entry.size > 4 * 1024 * 1024) return undefined;
    if (entry.json === undefined) {
      try {
        entry.json = parse(fs.readFileSync(absPath, 'utf8'));
      } catch {
        return undefined;
      }
    }
    return entry.json?.value;
  }

  private entry(absPath: string): CacheEntry | undefined {
    let st: fs.Stats;
    try {
      st = fs.statSync(absPath);
    } catch {
      this.cache.delete(absPath);
      return undefined;
    }
    if (!st.isFile()) return undefined;
    const cached = this.cache.get(absPath);
    if (cached && cached.mtimeMs === st.mtimeMs && cached.size === st.size) return cached;
    const fresh: CacheEntry = { mtimeMs: st.mtimeMs, size: st.size };
    this.cache.set(absPath, fresh);
    return fresh;
  }
}

/** Wraps facts to record every path asked about, so a change to one of them can re-check the asker. */
export function recordingFacts(facts: WorkspaceFacts, asked: Set<string>): WorkspaceFacts {
  return {
    exists: (p) => (asked.add(path.normalize(p)), facts.exists(p)),
    configKind: (p) => (asked.add(path.normalize(p)), facts.configKind(p)),
    dataSample: (p) => (asked.add(path.normalize(p)), facts.dataSample(p)),
    jsonFile: (p) => (asked.add(path.normalize(p)), facts.jsonFile?.(p)),
    connections: (p) => {
      const known = facts.connections?.(p);
      // A change to the settings file re-checks the documents that read it.
      if (known?.file) asked.add(path.normalize(known.file));
      return known;
    },
  };
}
