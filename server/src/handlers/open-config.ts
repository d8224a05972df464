/**
 * The open config document behind a request's URI, or undefined when it is not an RLHF Lens config.
 * The parse cache: one parse per document version, with the user's `rlhfLens.limits.*`, shared by
 * lint, hover, completion, symbols, lenses, navigation and checks.
 */
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { ServerContext } from '../server-context';
import { isConfigFile, LANGUAGE_IDS } from '../config/kind';
import { LineIndex } from '../config/line-index';
import type { ParseLimits } from '../config/parse';
import { readConfigFile, type ConfigFile } from '../config/yaml-path';
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
  if (!ourLanguage && !isConfigFile(path, text, ctx.kindMapFor?.(path))) return undefined;
  const file = (): ConfigFile => {
    const limits = ctx.settings.limits;
    const hit = parsedByDocument.get(document);
    if (hit && hit.version === document.version && hit.limits === limits) return hit.file;
    const parsed = readConfigFile(text, path, ctx.kindMapFor?.(path), undefined, limits);
    parsedByDocument.set(document, { version: document.version, limits, file: parsed });
    return parsed;
  };
  // A refused text (too long, too deeply nested, ...) is not parsed again by hover or completion either.
  const overLimits = (): boolean => file().parsed.diagnostics.some((d) => d.code === 'yaml/limit');
  return { document, text, path, lines: new LineIndex(text), file, overLimits };
}
