/**
 * textDocument/codeAction: quick fixes. Most come back from the diagnostics themselves (`data.fixes`,
 * written by the rules); the duplicate-key removal is computed here from the text. A single safe fix
 * for a diagnostic is marked preferred, so "Fix all" and auto-fix can apply it.
 */
import { CodeActionKind, type CodeAction, type Diagnostic, type TextEdit } from 'vscode-languageserver/node';
import type { ServerContext } from '../server-context';
import { arrayOf, bool, num, object, optional, str } from '../protocol/check';
import { removeDuplicateKey } from '../config/code-actions';
import type { FixData } from '../config/diagnostic';
import { SOURCE, pathToUri } from './convert';
import { openConfig } from './open-config';

const position = object({ line: num, character: num });
const Fixes = arrayOf(
  object({
    title: str,
    edits: arrayOf(object({ path: optional(str), range: object({ start: position, end: position }), newText: str }), 1000),
    safe: optional(bool),
  }),
  50,
);

function fixesOf(d: Diagnostic, log: (m: string) => void): FixData[] {
  const raw = (d.data as { fixes?: unknown } | null | undefined)?.fixes;
  if (raw === undefined) return [];
  try {
    return Fixes(raw, 'data.fixes');
  } catch (err) {
    log(`rlhf-lens: ignoring malformed fixes on ${String(d.code)}: ${(err as Error).message}`);
    return [];
  }
}

export function registerCodeActions(ctx: ServerContext): void {
  ctx.connection.onCodeAction(
    (params): CodeAction[] =>
      ctx.guard('codeAction', () => {
        const only = params.context.only;
        if (only && !only.some((k) => CodeActionKind.QuickFix.startsWith(k))) return [];
        const open = openConfig(ctx, params.textDocument.uri);
        if (!open) return [];
        const out: CodeAction[] = [];
        for (const d of params.context.diagnostics) {
          if (d.source !== SOURCE) continue;
          const fixes = fixesOf(d, (m) => ctx.connection.console.warn(m));
          if (d.code === 'yaml/duplicate-key') {
            const removal = removeDuplicateKey(open.text, open.lines.offsetAt(d.range.start));
            if (removal) fixes.push(removal);
          }
          for (const fix of fixes) {
            const changes: Record<string, TextEdit[]> = {};
            for (const e of fix.edits) (changes[e.path ? pathToUri(e.path) : params.textDocument.uri] ??= []).push({ range: e.range, newText: e.newText });
            out.push({
              title: fix.title,
              kind: CodeActionKind.QuickFix,
              diagnostics: [d],
              edit: { changes },
              isPreferred: fixes.length === 1 && fix.safe === true,
            });
          }
        }
        return out;
      }) ?? [],
  );
}
