/** What every LSP handler receives: the connection, the open documents and the server's settings. */
import type { Connection, TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';

export interface ServerSettings {
  /** Delay between the last keystroke and validation, in milliseconds. */
  debounceMs: number;
}

export const DEFAULT_SETTINGS: ServerSettings = { debounceMs: 25 };

export interface ServerContext {
  connection: Connection;
  documents: TextDocuments<TextDocument>;
  settings: ServerSettings;
  trusted: boolean;
  workspaceFolders: string[];
  /** Re-checks every open document (after a settings or workspace change). */
  revalidateAll: () => void;
  /** Runs a handler body; an exception is logged and answered, never allowed to kill the server. */
  guard: <T>(what: string, fn: () => T) => T | undefined;
}
