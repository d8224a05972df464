/** The open config document behind a request's URI, or undefined when it is not an RLHF Lens config. */
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { ServerContext } from '../server-context';
import { isConfigFile } from '../config/kind';
import { LineIndex } from '../config/line-index';
import { uriToPath } from './convert';

export interface OpenConfig {
  document: TextDocument;
  text: string;
  /** Absolute file path (or the URI when it is not a file URI). */
  path: string;
  lines: LineIndex;
}

export function openConfig(ctx: ServerContext, uri: string): OpenConfig | undefined {
  const document = ctx.documents.get(uri);
  if (!document) return undefined;
  const text = document.getText();
  const path = uriToPath(uri);
  if (!isConfigFile(path, text)) return undefined;
  return { document, text, path, lines: new LineIndex(text) };
}
