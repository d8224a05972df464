/**
 * workspace/symbol: documents, stages, checks, variants and metrics of every config file in the
 * workspace folders. Files are found on demand and parsed once per modification time; open editors
 * win over the disk.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SymbolInformation } from 'vscode-languageserver/node';
import type { ServerContext } from '../server-context';
import { isConfigFile } from '../config/kind';
import { LineIndex } from '../config/line-index';
import { flatSymbols, type FlatSymbol } from '../config/symbols';
import { readConfigFile } from '../config/yaml-path';
import { pathToUri, uriToPath } from './convert';
import { SYMBOL_KIND } from './document-symbols';

const MAX_FILES = 5000;
const MAX_BYTES = 2_000_000;
const SKIPPED_DIRS = new Set(['node_modules', '.git', '__pycache__', '.venv', 'venv', 'dist', 'out']);

interface CachedFile {
  mtimeMs: number;
  symbols: FlatSymbol[];
  lines: LineIndex;
}

function yamlFilesBelow(root: string): string[] {
  const out: string[] = [];
  const stack = [root];
  while (stack.length && out.length < MAX_FILES) {
    const dir = stack.pop()!;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (!SKIPPED_DIRS.has(e.name) && !e.name.startsWith('.')) stack.push(p);
      } else if (e.isFile() && /\.ya?ml$/i.test(e.name)) out.push(p);
    }
  }
  return out;
}

/** True when every character of the query appears in order in the name (case-insensitive). */
function matches(query: string, name: string): boolean {
  const q = query.toLowerCase();
  const n = name.toLowerCase();
  let i = 0;
  for (const ch of n) if (ch === q[i]) i++;
  return i === q.length;
}

export function registerWorkspaceSymbols(ctx: ServerContext): void {
  const cache = new Map<string, CachedFile>();

  const symbolsOf = (file: string): CachedFile | undefined => {
    const open = ctx.documents.get(pathToUri(file));
    if (open) {
      const text = open.getText();
      return isConfigFile(file, text) ? { mtimeMs: -1, symbols: flatSymbols(readConfigFile(text, file)), lines: new LineIndex(text) } : undefined;
    }
    let stat: fs.Stats;
    try {
      stat = fs.statSync(file);
    } catch {
      cache.delete(file);
      return undefined;
    }
    const hit = cache.get(file);
    if (hit && hit.mtimeMs === stat.mtimeMs) return hit;
    if (stat.size > MAX_BYTES) return undefined;
    const text = fs.readFileSync(file, 'utf8');
    const entry = { mtimeMs: stat.mtimeMs, symbols: isConfigFile(file, text) ? flatSymbols(readConfigFile(text, file)) : [], lines: new LineIndex(text) };
    cache.set(file, entry);
    return entry;
  };

  ctx.connection.onWorkspaceSymbol(
    (params): SymbolInformation[] =>
      ctx.guard('workspaceSymbol', () => {
        const files = new Set<string>(ctx.workspaceFolders.flatMap(yamlFilesBelow));
        for (const doc of ctx.documents.all()) if (doc.uri.startsWith('file:')) files.add(uriToPath(doc.uri));
        const out: SymbolInformation[] = [];
        for (const file of [...files].sort()) {
          const entry = symbolsOf(file);
          if (!entry) continue;
          for (const s of entry.symbols) {
            if (!matches(params.query, s.name)) continue;
            const info: SymbolInformation = {
              name: s.name,
              kind: SYMBOL_KIND[s.kind],
              location: { uri: pathToUri(file), range: entry.lines.range(s.selection.start, s.selection.end) },
            };
            if (s.container) info.containerName = s.container;
            out.push(info);
          }
        }
        return out;
      }) ?? [],
  );
}
