/**
 * Gives plain YAML files that are one of our own formats (by modeline or `apiVersion: rlhf-lens/...`
 * with a `kind:`) the right RLHF Lens language, so files named e.g. `rm.yaml` get our grammar and
 * keep other YAML tools off them. The decision is the server's kind detector (config/kind.ts), the
 * same one the CLI and Validate Workspace use. Framework files (axolotl, LLaMA-Factory, TRL, DeepSpeed)
 * keep their `yaml` / `json` language: the client sends those documents to the server, which checks
 * the ones it recognises and stays silent on every other YAML or JSON file.
 */
import * as vscode from 'vscode';
import { detectKind, isNativeKind, LANGUAGE_IDS } from '../../server/src/config/kind';

export function languageForText(text: string, fileName = 'untitled.yaml'): string | undefined {
  const kind = detectKind(fileName, text.slice(0, 64 * 1024));
  return isNativeKind(kind) ? LANGUAGE_IDS[kind] : undefined;
}

export function registerLanguageDetection(context: vscode.ExtensionContext): void {
  const check = (doc: vscode.TextDocument): void => {
    if (doc.languageId !== 'yaml') return;
    const lang = languageForText(doc.getText(), doc.uri.scheme === 'file' ? doc.uri.fsPath : 'untitled.yaml');
    if (lang) void vscode.languages.setTextDocumentLanguage(doc, lang);
  };
  vscode.workspace.textDocuments.forEach(check);
  context.subscriptions.push(vscode.workspace.onDidOpenTextDocument(check));
}
