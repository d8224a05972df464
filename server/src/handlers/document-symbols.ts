/** textDocument/documentSymbol: converts config/symbols' outline. */
import { SymbolKind, type DocumentSymbol } from 'vscode-languageserver/node';
import type { ServerContext } from '../server-context';
import { documentSymbols, type OutlineKind, type OutlineNode } from '../config/symbols';
import type { LineIndex } from '../config/line-index';
import { openConfig } from './open-config';

export const SYMBOL_KIND: Record<OutlineKind, SymbolKind> = {
  document: SymbolKind.File,
  block: SymbolKind.Module,
  phase: SymbolKind.Namespace,
  stage: SymbolKind.Function,
  check: SymbolKind.Event,
  variant: SymbolKind.EnumMember,
  metric: SymbolKind.Property,
  param: SymbolKind.Constant,
  field: SymbolKind.Field,
};

function convert(node: OutlineNode, lines: LineIndex): DocumentSymbol {
  const out: DocumentSymbol = {
    name: node.name,
    kind: SYMBOL_KIND[node.kind],
    range: lines.range(node.range.start, node.range.end),
    selectionRange: lines.range(node.selection.start, node.selection.end),
    children: node.children.map((c) => convert(c, lines)),
  };
  if (node.detail) out.detail = node.detail;
  return out;
}

export function registerDocumentSymbols(ctx: ServerContext): void {
  ctx.connection.onDocumentSymbol(
    (params): DocumentSymbol[] =>
      ctx.guard('documentSymbol', () => {
        const open = openConfig(ctx, params.textDocument.uri);
        if (!open) return [];
        return documentSymbols(open.file()).map((n) => convert(n, open.lines));
      }) ?? [],
  );
}
