/**
 * textDocument/codeLens: converts config/code-lens's lenses into commands. Each command gets one
 * argument, `{uri, stageId, checkIndex?}`. Check statuses come from the checks handler, passed in.
 */
import { CodeLensRefreshRequest, type CodeLens } from 'vscode-languageserver/node';
import type { ServerContext } from '../server-context';
import { codeLenses, type CheckRef, type CheckStatusSource } from '../config/code-lens';
import { openConfig } from './open-config';

/** The last outcome of a check of the pipeline document `uri`, as lens text. */
export type DocumentCheckStatusSource = (uri: string, check: CheckRef) => string | undefined;

/** Asks the editor to request the lenses again (check outcomes changed). */
export function refreshCodeLenses(ctx: ServerContext): void {
  ctx.connection.sendRequest(CodeLensRefreshRequest.type).catch(() => undefined);
}

/** `status`: each check's last outcome as lens text (the checks handler's), given at registration. */
export function registerCodeLens(ctx: ServerContext, status?: DocumentCheckStatusSource): void {
  ctx.connection.onCodeLens(
    (params): CodeLens[] =>
      ctx.guard('codeLens', () => {
        const open = openConfig(ctx, params.textDocument.uri);
        if (!open) return [];
        const uri = params.textDocument.uri;
        const forThisDocument: CheckStatusSource | undefined = status && ((ref) => status(uri, ref));
        return codeLenses(open.file(), forThisDocument).map((lens) => ({
          range: open.lines.range(lens.span.start, lens.span.end),
          command: { title: lens.title, command: lens.command, arguments: [{ uri: params.textDocument.uri, ...lens.target }] },
        }));
      }) ?? [],
  );
}
