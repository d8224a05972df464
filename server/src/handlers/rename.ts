/** textDocument/prepareRename and textDocument/rename: one workspace edit over a name's definition and uses. */
import { ResponseError, ErrorCodes, type WorkspaceEdit, type Range } from 'vscode-languageserver/node';
import type { ServerContext } from '../server-context';
import { occurrenceAt, occurrences, planRename } from '../config/navigation';
import { openConfig } from './open-config';

export function registerRename(ctx: ServerContext): void {
  ctx.connection.onPrepareRename(
    (params): { range: Range; placeholder: string } | null =>
      ctx.guard('prepareRename', () => {
        const open = openConfig(ctx, params.textDocument.uri);
        if (!open) return null;
        const here = occurrenceAt(occurrences(open.file()), open.lines.offsetAt(params.position));
        return here ? { range: open.lines.range(here.span.start, here.span.end), placeholder: here.name } : null;
      }) ?? null,
  );
  ctx.connection.onRenameRequest((params): WorkspaceEdit | ResponseError<void> | null => {
    const open = openConfig(ctx, params.textDocument.uri);
    if (!open) return null;
    const plan = ctx.guard('rename', () => planRename(occurrences(open.file()), open.lines.offsetAt(params.position), params.newName));
    if (!plan) return null;
    // The editor shows a rename error's message to the user.
    if ('error' in plan) return new ResponseError(ErrorCodes.InvalidRequest, plan.error);
    return { changes: { [params.textDocument.uri]: plan.spans.map((s) => ({ range: open.lines.range(s.start, s.end), newText: params.newName })) } };
  });
}
