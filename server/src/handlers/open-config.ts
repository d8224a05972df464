/** The open config document behind a request's URI, or undefined when it is not an RLHF Lens config. */
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { ServerContext } from '../server-context';
import { isConfigFile, LANGUAGE_IDS } from '../config/kind';
import { LineIndex } from '../config/line-index';
import { readConfigFile, type ConfigFile } from '../config/yaml-path';
import { uriToPath } from './convert';

export interface OpenConfig {
  document: TextDocument;
  text: string;
  /** Absolute file path (or the URI when it is not a file URI). */
  path: string;
  lines: LineIndex;
  /** The parsed file, parsed once per document version and shared by every feature. */
  file: () => ConfigFile;
}

const parsedByDocument = new WeakMap<TextDocument, { version: number; file: ConfigFile }>();

export function openConfig(ctx: ServerContext, uri: string): OpenConfig | undefined {
  const document = ctx.documents.get(uri);
  if (!document) return undefined;
  const text = document.getText();
  const path = uriToPath(uri);
  // An untitled buffer has no file name: its language id (set by the user or the client) says what it is.
  const ourLanguage = (Object.values(LANGUAGE_IDS) as string[]).includes(document.languageId);
  if (!ourLanguage && !isConfigFile(path, text, ctx.kindMapFor?.(path))) return undefined;
  const file = (): ConfigFile => {
    const hit = parsedByDocument.get(document);
    if (hit && hit.version === document.version) return hit.file;
    const parsed = readConfigFile(text, path, ctx.kindMapFor?.(path));
    parsedByDocument.set(document, { version: document.version, file: parsed });
    return parsed;
  };
  return { document, text, path, lines: new LineIndex(text), file };
}
