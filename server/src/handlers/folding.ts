/** textDocument/foldingRange: converts config/folding's line ranges. */
import type { FoldingRange } from 'vscode-languageserver/node';
import type { ServerContext } from '../server-context';
import { foldingRanges } from '../config/folding';
import { openConfig } from './open-config';

export function registerFolding(ctx: ServerContext): void {
  ctx.connection.onFoldingRanges(
    (params): FoldingRange[] =>
      ctx.guard('foldingRange', () => {
        const open = openConfig(ctx, params.textDocument.uri);
        if (!open) return [];
        return foldingRanges(open.file());
      }) ?? [],
  );
}
