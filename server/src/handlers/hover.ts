/** textDocument/hover: converts config/hover's markdown and span. */
import { MarkupKind, type Hover } from 'vscode-languageserver/node';
import type { ServerContext } from '../server-context';
import { hoverAt } from '../config/hover';
import { openConfig } from './open-config';

export function registerHover(ctx: ServerContext): void {
  ctx.connection.onHover(
    (params): Hover | null =>
      ctx.guard('hover', () => {
        const open = openConfig(ctx, params.textDocument.uri);
        if (!open || open.overLimits()) return null;
        // The workspace's facts: open buffers win over the disk, which is re-read when a file's mtime or size changes.
        const found = hoverAt(open.text, open.lines.offsetAt(params.position), open.path, ctx.files, open.file(), ctx.project.hardwareFor(open.path));
        if (!found) return null;
        return { contents: { kind: MarkupKind.Markdown, value: found.markdown }, range: open.lines.range(found.range.start, found.range.end) };
      }) ?? null,
  );
}
