/** Conversions between the plain-data diagnostics of `config/` and LSP types. Nothing else. */
import * as path from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { DiagnosticSeverity, type Diagnostic as LspDiagnostic, type DiagnosticRelatedInformation } from 'vscode-languageserver/node';
import type { Diagnostic, Severity } from '../config/diagnostic';

export const SOURCE = 'rlhf-lens';

const LSP_SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/** Folder holding docs/rules/<id>.md: the extension root, two levels above dist/server/. */
export function defaultDocsRoot(): string {
  return path.resolve(__dirname, '..', '..', 'docs');
}

export function ruleDocUri(code: string, docsRoot: string = defaultDocsRoot()): string {
  return pathToFileURL(path.join(docsRoot, 'rules', ...code.split('/')) + '.md').toString();
}

export function uriToPath(uri: string): string {
  return uri.startsWith('file:') ? fileURLToPath(uri) : uri;
}

export function pathToUri(p: string): string {
  return p.includes('://') ? p : pathToFileURL(p).toString();
}

export function toLspDiagnostic(d: Diagnostic, uri: string, docsRoot?: string): LspDiagnostic {
  const related: DiagnosticRelatedInformation[] | undefined = d.related?.map((r) => ({
    location: { uri: r.path ? pathToUri(r.path) : uri, range: r.range },
    message: r.message,
  }));
  const out: LspDiagnostic = {
    range: d.range,
    severity: LSP_SEVERITY[d.severity],
    code: d.code,
    codeDescription: { href: ruleDocUri(d.code, docsRoot) },
    source: SOURCE,
    message: d.message,
  };
  if (related && related.length) out.relatedInformation = related;
  if (d.fixes && d.fixes.length) out.data = { fixes: d.fixes };
  return out;
}
