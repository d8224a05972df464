/**
 * The editor features of the server (completion, hover, navigation, symbols, folding, code actions,
 * code lenses): their capabilities and registration, so server.ts wires them with one call.
 */
import type { ServerCapabilities } from 'vscode-languageserver/node';
import type { ServerContext } from '../server-context';
import { registerCompletion } from './completion';
import { registerHover } from './hover';

export const EDITOR_CAPABILITIES: ServerCapabilities = {
  completionProvider: { triggerCharacters: ['.', '/', ':'] },
  hoverProvider: true,
};

export function registerEditorFeatures(ctx: ServerContext): void {
  registerCompletion(ctx);
  registerHover(ctx);
}
