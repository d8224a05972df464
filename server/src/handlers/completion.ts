/** textDocument/completion: lists the files a path value may name, then converts config/completion's items. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CompletionItemKind, InsertTextFormat, MarkupKind, type CompletionItem } from 'vscode-languageserver/node';
import type { ServerContext } from '../server-context';
import { completionsAt, type CompletionEntryKind } from '../config/completion';
import { openConfig } from './open-config';

const ITEM_KIND: Record<CompletionEntryKind, CompletionItemKind> = {
  property: CompletionItemKind.Property,
  value: CompletionItemKind.EnumMember,
  reference: CompletionItemKind.Reference,
  file: CompletionItemKind.File,
  snippet: CompletionItemKind.Snippet,
  variable: CompletionItemKind.Variable,
};

const MAX_FILES = 2000;
const MAX_DEPTH = 4;
const SKIPPED_DIRS = new Set(['node_modules', '.git', '__pycache__', '.venv', 'venv']);

/** Files below `dir` as relative `/` paths, breadth-first, bounded so a huge folder cannot stall typing. */
export function listFilesBelow(dir: string): string[] {
  const out: string[] = [];
  let level: string[] = [''];
  for (let depth = 0; depth < MAX_DEPTH && level.length && out.length < MAX_FILES; depth++) {
    const next: string[] = [];
    for (const rel of level) {
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(path.join(dir, rel), { withFileTypes: true });
      } catch {
        continue;
      }
      for (const e of entries) {
        const child = rel ? `${rel}/${e.name}` : e.name;
        if (e.isDirectory()) {
          if (!SKIPPED_DIRS.has(e.name) && !e.name.startsWith('.')) next.push(child);
        } else if (e.isFile() && out.length < MAX_FILES) out.push(child);
      }
    }
    level = next;
  }
  return out.sort();
}

export function registerCompletion(ctx: ServerContext): void {
  ctx.connection.onCompletion((params) =>
    ctx.guard('completion', () => {
      const open = openConfig(ctx, params.textDocument.uri);
      if (!open || open.overLimits()) return [];
      const offset = open.lines.offsetAt(params.position);
      const entries = completionsAt(open.text, offset, {
        filePath: open.path,
        listFiles: () => (path.isAbsolute(open.path) ? listFilesBelow(path.dirname(open.path)) : []),
      }, open.file());
      return entries.map((e): CompletionItem => {
        const item: CompletionItem = {
          label: e.label,
          kind: ITEM_KIND[e.kind],
          textEdit: { range: open.lines.range(e.replace.start, e.replace.end), newText: e.insertText },
          insertTextFormat: e.snippet ? InsertTextFormat.Snippet : InsertTextFormat.PlainText,
        };
        if (e.detail) item.detail = e.detail;
        if (e.documentation) item.documentation = { kind: MarkupKind.Markdown, value: e.documentation };
        if (e.sortText) item.sortText = e.sortText;
        return item;
      });
    }) ?? [],
  );
}
