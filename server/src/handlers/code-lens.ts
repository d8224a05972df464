/**
 * textDocument/codeLens: converts config/code-lens's lenses into commands. Each command gets one
 * argument, `{uri, stageId, checkIndex?}`. Check statuses come from a source the engine sets later.
 */
import { CodeLensRefreshRequest, type CodeLens } from 'vscode-languageserver/node';
import type { ServerContext } from '../server-context';
import { codeLenses, type CheckRef, type CheckStatusSource } from '../config/code-lens';
import { openConfig } from './open-config';

/** The last outcome of a check of the pipeline document `uri`, as lens text. */
export type DocumentCheckStatusSource = (uri: string, check: CheckRef) => string | undefined;

export interface CodeLensHooks {
  /** Shows each check's last outcome in its lens; call `refresh` when outcomes change. */
  setCheckStatusSource(source: DocumentCheckStatusSource | undefined): void;
  /** Asks the editor to request the lenses again. */
  refresh(): void;
}

export function registerCodeLens(ctx: ServerContext): CodeLensHooks {
  let status: DocumentCheckStatusSource | undefined;
  ctx.connection.onCodeLens(
    (params): CodeLens[] =>
      ctx.guard('codeLens', () => {
        const open = openConfig(ctx, params.textDocument.uri);
        if (!open) return [];
        const uri = params.textDocument.uri;
        const source = status;
        const forThisDocument: CheckStatusSource | undefined = source && ((ref) => source(uri, ref));
        return codeLenses(open.file(), forThisDocument).map((lens) => ({
          range: open.lines.range(lens.span.start, lens.span.end),
          command: { title: lens.title, command: lens.command, arguments: [{ uri: params.textDocument.uri, ...lens.target }] },
        }));
      }) ?? [],
  );
  return {
    setCheckStatusSource(source) {
      status = source;
    },
    refresh() {
      ctx.connection.sendRequest(CodeLensRefreshRequest.type).catch(() => undefined);
    },
  };
}
