/** textDocument/definition: a name's definition in the file (config/navigation), or the file a path value names. */
import * as fs from 'node:fs';
import type { Location } from 'vscode-languageserver/node';
import type { ServerContext } from '../server-context';
import { definitionOf, occurrenceAt, occurrences, referencedFileAt } from '../config/navigation';
import { pathToUri } from './convert';
import { openConfig } from './open-config';

export function registerDefinition(ctx: ServerContext): void {
  ctx.connection.onDefinition(
    (params): Location | null =>
      ctx.guard('definition', () => {
        const open = openConfig(ctx, params.textDocument.uri);
        if (!open) return null;
        const offset = open.lines.offsetAt(params.position);
        const file = open.file();
        const all = occurrences(file);
        const here = occurrenceAt(all, offset);
        const def = here && definitionOf(all, here);
        if (def) return { uri: params.textDocument.uri, range: open.lines.range(def.span.start, def.span.end) };
        const ref = referencedFileAt(file, offset, open.path);
        if (ref && fs.existsSync(ref.target)) {
          return { uri: pathToUri(ref.target), range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } };
        }
        return null;
      }) ?? null,
  );
}
