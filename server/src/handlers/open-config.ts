/**
 * The open config document behind a request's URI, or undefined when it is not an RLHF Lens config.
 * The parse cache: one parse per document version, with the user's `rlhfLens.limits.*`, shared by
 * lint, hover, completion, symbols, lenses, navigation and checks. A new version is parsed
 * incrementally from the previous one when the edit lies within top-level blocks or items of one
 * (config/incremental.ts, which answers exactly what a full parse would, or falls back to one); the
 * previous version's parse is then moved forward in place, so it is kept for the latest version only.
 */
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { ServerContext } from '../server-context';
import { isConfigFile, LANGUAGE_IDS } from '../config/kind';
import { LineIndex } from '../config/line-index';
import type { ParseLimits } from '../config/parse';
import { readConfigFile, type ConfigFile } from '../config/yaml-path';
import { reparseIncremental } from '../config/incremental';
import { detectKind } from '../config/kind';
import { ConfigDocument } from '../config/model';
import { documentKind } from '../config/kind';
import { uriToPath } from './convert';

export interface OpenConfig {
  document: TextDocument;
  text: string;
  /** Absolute file path (or the URI when it is not a file URI). */
  path: string;
  lines: LineIndex;
  /** The parsed file, parsed once per document version (and limits) and shared by every feature. */
  file: () => ConfigFile;
  /** True when the text is over one of the user's parse limits: features that read it answer nothing. */
  overLimits: () => boolean;
}

const parsedByDocument = new WeakMap<TextDocument, { version: number; limits: ParseLimits; file: ConfigFile }>();

export function openConfig(ctx: ServerContext, uri: string): OpenConfig | undefined {
  const document = ctx.documents.get(uri);
  if (!document) return undefined;
  const text = document.getText();
  const path = uriToPath(uri);
  // An untitled buffer has no file name: its language id (set by the user or the client) says what it is.
  const ourLanguage = (Object.values(LANGUAGE_IDS) as string[]).includes(document.languageId);
  if (!ourLanguage && !isConfigFile(path, text, ctx.project.kindMapFor(path))) return undefined;
  const file = (): ConfigFile => {
    const limits = ctx.settings.limits;
    const hit = parsedByDocument.get(document);
    if (hit && hit.version === document.version && hit.limits === limits) return hit.file;
    // Large files: reuse the previous version's parse where the edit allows (config/incremental.ts), else parse it all.
    const reused = hit && hit.limits === limits ? reparseIncremental(hit.file.parsed, text, limits) : undefined;
    let parsed: ConfigFile;
    if (reused) {
      const fileKind = detectKind(path, text, ctx.project.kindMapFor(path));
      parsed = { parsed: reused, documents: reused.documents.map((d) => new ConfigDocument(documentKind(d.value, fileKind), d.value, d.doc, reused.lines, d.start, d.end)) };
    } else parsed = readConfigFile(text, path, ctx.project.kindMapFor(path), undefined, limits);
    parsedByDocument.set(document, { version: document.version, limits, file: parsed });
    return parsed;
  };
  // A refused text (too long, too deeply nested, ...) is not parsed again by hover or completion either.
  const overLimits = (): boolean => file().parsed.diagnostics.some((d) => d.code === 'yaml/limit');
  return { document, text, path, lines: new LineIndex(text), file, overLimits };
}
