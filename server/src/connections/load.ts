/**
 * Finds the connections for a file or a working folder: the `.rlhf-lens.yaml` found as the rule
 * settings are (this folder or the nearest parent, stopping at a `.git` folder).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { parseConnections, type ConnectionConfig } from './config';

export const SETTINGS_FILE = '.rlhf-lens.yaml';

export function findSettingsFile(startDir: string): string | undefined {
  let cur = path.resolve(startDir);
  for (;;) {
    const f = path.join(cur, SETTINGS_FILE);
    if (fs.existsSync(f)) return f;
    if (fs.existsSync(path.join(cur, '.git')) || path.dirname(cur) === cur) return undefined;
    cur = path.dirname(cur);
  }
}

export interface LoadedConnections {
  connections: Record<string, ConnectionConfig>;
  file?: string;
  problems: string[];
}

export function loadConnections(startDir: string): LoadedConnections {
  const file = findSettingsFile(startDir);
  if (!file) return { connections: {}, problems: [] };
  let value: unknown;
  try {
    value = parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    return { connections: {}, file, problems: [`${file}: not valid YAML (${(err as Error).message.split('\n')[0]})`] };
  }
  const raw = value && typeof value === 'object' ? (value as Record<string, unknown>)['connections'] : undefined;
  return { file, ...parseConnections(raw, file) };
}
