/**
 * The editor features of the server (completion, hover, navigation, symbols, folding, code actions,
 * code lenses): their capabilities and registration, so server.ts wires them with one call.
 */
import { CodeActionKind, type ServerCapabilities } from 'vscode-languageserver/node';
import type { ServerContext } from '../server-context';
import { registerCompletion } from './completion';
import { registerHover } from './hover';
import { registerDefinition } from './definition';
import { registerReferences } from './references';
import { registerRename } from './rename';
import { registerDocumentSymbols } from './document-symbols';
import { registerWorkspaceSymbols } from './workspace-symbols';
import { registerFolding } from './folding';
import { registerCodeActions } from './code-actions';
import { registerCodeLens, type DocumentCheckStatusSource } from './code-lens';

export const EDITOR_CAPABILITIES: ServerCapabilities = {
  completionProvider: { triggerCharacters: ['.', '/', ':'] },
  hoverProvider: true,
  definitionProvider: true,
  referencesProvider: true,
  renameProvider: { prepareProvider: true },
  documentSymbolProvider: true,
  workspaceSymbolProvider: true,
  foldingRangeProvider: true,
  codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
  codeLensProvider: {},
};

/** `checkStatus`: the checks handler's last outcome of a check, shown in its code lens. */
export function registerEditorFeatures(ctx: ServerContext, checkStatus: DocumentCheckStatusSource): void {
  registerCompletion(ctx);
  registerHover(ctx);
  registerDefinition(ctx);
  registerReferences(ctx);
  registerRename(ctx);
  registerDocumentSymbols(ctx);
  registerWorkspaceSymbols(ctx);
  registerFolding(ctx);
  registerCodeActions(ctx);
  registerCodeLens(ctx, checkStatus);
}
