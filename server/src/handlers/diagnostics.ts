/**
 * Publishes diagnostics for open config documents, debounced per document.
 * A result computed for an older version of a document is dropped, never published.
 */
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { ServerContext } from '../server-context';
import { isConfigFile } from '../config/kind';
import { lintText } from '../config/lint';
import { toLspDiagnostic, uriToPath } from './convert';

export function registerDiagnostics(ctx: ServerContext): void {
  const timers = new Map<string, NodeJS.Timeout>();

  const validate = (doc: TextDocument): void => {
    const uri = doc.uri;
    const version = doc.version;
    const path = uriToPath(uri);
    const text = doc.getText();
    if (!ctx.settings.validationEnabled || !isConfigFile(path, text)) {
      void ctx.connection.sendDiagnostics({ uri, diagnostics: [] });
      return;
    }
    const diags = lintText(text, { path });
    const current = ctx.documents.get(uri);
    if (!current || current.version !== version) return; // stale
    void ctx.connection.sendDiagnostics({
      uri,
      version,
      diagnostics: diags.map((d) => toLspDiagnostic(d, uri)),
    });
  };

  const schedule = (doc: TextDocument, delay: number): void => {
    const prev = timers.get(doc.uri);
    if (prev) clearTimeout(prev);
    timers.set(
      doc.uri,
      setTimeout(() => {
        timers.delete(doc.uri);
        const current = ctx.documents.get(doc.uri);
        if (current) ctx.guard(`validate ${doc.uri}`, () => validate(current));
      }, delay),
    );
  };

  ctx.documents.onDidOpen((e) => schedule(e.document, 0));
  ctx.documents.onDidChangeContent((e) => schedule(e.document, ctx.settings.debounceMs));
  ctx.documents.onDidClose((e) => {
    const t = timers.get(e.document.uri);
    if (t) clearTimeout(t);
    timers.delete(e.document.uri);
    void ctx.connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });
  ctx.revalidateAll = () => {
    for (const doc of ctx.documents.all()) schedule(doc, 0);
  };
}
