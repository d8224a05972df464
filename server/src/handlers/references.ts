/** textDocument/references: every use of the name under the cursor, from config/navigation. */
import type { Location } from 'vscode-languageserver/node';
import type { ServerContext } from '../server-context';
import { occurrenceAt, occurrences, referencesOf } from '../config/navigation';
import { openConfig } from './open-config';

export function registerReferences(ctx: ServerContext): void {
  ctx.connection.onReferences(
    (params): Location[] =>
      ctx.guard('references', () => {
        const open = openConfig(ctx, params.textDocument.uri);
        if (!open) return [];
        const all = occurrences(open.file());
        const here = occurrenceAt(all, open.lines.offsetAt(params.position));
        if (!here) return [];
        return referencesOf(all, here, params.context.includeDeclaration).map((o) => ({
          uri: params.textDocument.uri,
          range: open.lines.range(o.span.start, o.span.end),
        }));
      }) ?? [],
  );
}
