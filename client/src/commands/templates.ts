/** "New Pipeline / Experiment / Training Config": opens an untitled document from a template. */
import * as vscode from 'vscode';
import { TEMPLATES, type TemplateKind } from '../../../server/src/config/templates';

const LANGUAGE: Record<TemplateKind, string> = {
  pipeline: 'rlhf-pipeline',
  experiment: 'rlhf-experiment',
  training: 'rlhf-training',
};

export function registerTemplateCommands(context: vscode.ExtensionContext): void {
  const make = (kind: TemplateKind) => async (): Promise<void> => {
    const doc = await vscode.workspace.openTextDocument({ language: LANGUAGE[kind], content: TEMPLATES[kind] });
    await vscode.window.showTextDocument(doc);
  };
  context.subscriptions.push(
    vscode.commands.registerCommand('rlhfLens.newPipeline', make('pipeline')),
    vscode.commands.registerCommand('rlhfLens.newExperiment', make('experiment')),
    vscode.commands.registerCommand('rlhfLens.newTrainingConfig', make('training')),
  );
}
