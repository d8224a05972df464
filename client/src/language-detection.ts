/**
 * Gives plain YAML files that declare `apiVersion: rlhf-lens/...` the right RLHF Lens language,
 * from their `kind:` line, so files named e.g. `rm.yaml` are checked too.
 */
import * as vscode from 'vscode';

const KIND_TO_LANGUAGE: Record<string, string> = {
  Pipeline: 'rlhf-pipeline',
  Experiment: 'rlhf-experiment',
  TrainingConfig: 'rlhf-training',
};

export function languageForText(text: string): string | undefined {
  const head = text.slice(0, 16 * 1024);
  if (!/^apiVersion:\s*["']?rlhf-lens\//m.test(head)) return undefined;
  const kind = /^kind:\s*["']?(\w+)/m.exec(head)?.[1];
  return kind ? KIND_TO_LANGUAGE[kind] : undefined;
}

export function registerLanguageDetection(context: vscode.ExtensionContext): void {
  const check = (doc: vscode.TextDocument): void => {
    if (doc.languageId !== 'yaml') return;
    const lang = languageForText(doc.getText());
    if (lang) void vscode.languages.setTextDocumentLanguage(doc, lang);
  };
  vscode.workspace.textDocuments.forEach(check);
  context.subscriptions.push(vscode.workspace.onDidOpenTextDocument(check));
}
