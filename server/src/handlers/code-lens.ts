/**
 * textDocument/codeLens: converts config/code-lens's lenses into commands. Each command gets one
 * argument, `{uri, stageId, checkIndex?}`. Check statuses come from a source the engine sets later.
 */
import { CodeLensRefreshRequest, type CodeLens } from 'vscode-languageserver/node';
import type { ServerContext } from '../server-context';
import { codeLenses, type CheckStatusSource } from '../config/code-lens';
import { openConfig } from './open-config';

export interface CodeLensHooks {
  /** Shows each check's last outcome in its lens; call `refresh` when outcomes change. */
  setCheckStatusSource(source: CheckStatusSource | undefined): void;
  /** Asks the editor to request the lenses again. */
  refresh(): void;
}

export function registerCodeLens(ctx: ServerContext): CodeLensHooks {
  let status: CheckStatusSource | undefined;
  ctx.connection.onCodeLens(
    (params): CodeLens[] =>
      ctx.guard('codeLens', () => {
        const open = openConfig(ctx, params.textDocument.uri);
        if (!open) return [];
        return codeLenses(open.file(), status).map((lens) => ({
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
