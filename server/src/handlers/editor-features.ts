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
import { registerCodeLens, type CodeLensHooks } from './code-lens';

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

export interface EditorFeatures {
  codeLens: CodeLensHooks;
}

export function registerEditorFeatures(ctx: ServerContext): EditorFeatures {
  registerCompletion(ctx);
  registerHover(ctx);
  registerDefinition(ctx);
  registerReferences(ctx);
  registerRename(ctx);
  registerDocumentSymbols(ctx);
  registerWorkspaceSymbols(ctx);
  registerFolding(ctx);
  registerCodeActions(ctx);
  return { codeLens: registerCodeLens(ctx) };
}
