/**
 * `@rlhf-lens` in VS Code's chat (chat and language-model APIs, so the user's own editor models
 * answer and no API key is asked for or kept). It gathers the engine's figures for the active file
 * (the server's `rlhfLens/configFacts`, `rlhfLens/analyze` results, the file's diagnostics), lets
 * prompt.ts pick the ones the question needs, and streams the model's answer with the files cited
 * and the matching commands as buttons. Without a model it answers with the figures themselves.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { Methods, type AnalyzeResult, type ChatFact } from '../../../server/src/protocol/lsp';
import type { AbResult, TrainingResult } from '../../../server/src/analysis/types';
import { CompareMethods, type CompareSection, type ListRunsResult, type RunEntry } from '../../../server/src/protocol/compare';
import { abFacts, compareFacts, problemFacts, runsToCompare, trainingFacts } from './facts';
import { respond, type ChatModelLike } from './respond';
import { topicsFor, type ChatInput } from './prompt';

const KINDS: Record<string, string> = { 'rlhf-pipeline': 'Pipeline', 'rlhf-experiment': 'Experiment', 'rlhf-training': 'TrainingConfig' };
const SEVERITY = ['error', 'warning', 'information', 'hint'] as const;

/** Two or more runs side by side from the comparison engine (`rlhfLens/compareRuns`): the Runs view's selection, else the active run and its latest sibling. */
async function compareGathered(client: LanguageClient, doc: vscode.TextDocument | undefined): Promise<ChatFact[]> {
  const selected = ((await vscode.commands.executeCommand<RunEntry[]>('rlhfLens.runs.selection').then(undefined, () => [])) ?? []) as RunEntry[];
  const all = selected.length >= 2 ? [] : ((await client.sendRequest<ListRunsResult>(CompareMethods.listRuns, {}).catch(() => undefined))?.runs ?? []);
  const runs = runsToCompare(selected, all, doc?.uri.scheme === 'file' ? doc.uri.fsPath : undefined);
  if (runs.length < 2) return [];
  const section = await client.sendRequest<CompareSection>(CompareMethods.compareRuns, { paths: runs.map((r) => r.path) }).catch(() => undefined);
  return section ? compareFacts(section, (abs) => vscode.workspace.asRelativePath(abs, false)) : [];
}

async function gather(client: LanguageClient | undefined, doc: vscode.TextDocument | undefined, topics: string[]): Promise<Pick<ChatInput, 'file' | 'facts'>> {
  // Runs are the workspace's, not the active file's: compared even when no file is open.
  const compared = client && topics.includes('compare') && vscode.workspace.workspaceFolders?.length ? await compareGathered(client, doc) : [];
  if (!doc || doc.uri.scheme !== 'file' || !vscode.workspace.getWorkspaceFolder(doc.uri)) return { facts: compared };
  const rel = vscode.workspace.asRelativePath(doc.uri, false);
  const isLog = /trainer_state\.json$|metrics\.csv$/.test(doc.uri.fsPath);
  const kind = KINDS[doc.languageId] ?? (isLog ? 'training-log' : undefined);
  const facts: ChatFact[] = [...compared];
  if (kind && kind !== 'training-log') {
    const diags = vscode.languages.getDiagnostics(doc.uri).filter((d) => d.source === 'rlhf-lens');
    facts.push(...problemFacts(diags.map((d) => ({ code: typeof d.code === 'object' ? String(d.code.value) : d.code === undefined ? undefined : String(d.code), message: d.message, severity: SEVERITY[d.severity], line: d.range.start.line })), rel));
  }
  if (!client) return { file: { path: rel, ...(kind ? { kind } : {}) }, facts };
  const ask = async <T>(method: string, params: unknown): Promise<T | undefined> => client.sendRequest<T>(method, params).catch(() => undefined);
  if (kind && kind !== 'training-log') facts.push(...((await ask<ChatFact[]>(Methods.configFacts, { uri: doc.uri.toString() })) ?? []));
  // Results need a trusted workspace; the server refuses otherwise and the chat says it has no figures.
  if (kind === 'Experiment') {
    const r = await ask<AnalyzeResult>(Methods.analyze, { analysis: 'ab', path: doc.uri.fsPath });
    if (r) facts.push(...abFacts(r.result as unknown as AbResult, rel));
  }
  if (kind === 'training-log') {
    const r = await ask<AnalyzeResult>(Methods.analyze, { analysis: 'training', path: doc.uri.fsPath });
    if (r) facts.push(...trainingFacts(r.result as unknown as TrainingResult, rel));
  }
  return { file: { path: rel, ...(kind ? { kind } : {}) }, facts };
}

function modelOf(m: vscode.LanguageModelChat, token: vscode.CancellationToken): ChatModelLike {
  return {
    name: m.name,
    async *send(messages) {
      const response = await m.sendRequest(
        messages.map((x) => (x.role === 'user' ? vscode.LanguageModelChatMessage.User(x.content) : vscode.LanguageModelChatMessage.Assistant(x.content))),
        { justification: 'RLHF Lens answers from the figures its engine computed for your open file.' },
        token,
      );
      for await (const chunk of response.text) yield chunk;
    },
  };
}

export function registerChatParticipant(context: vscode.ExtensionContext, getClient: () => LanguageClient | undefined): void {
  // Editors without the chat API (older VS Code, some forks) simply get no participant.
  if (typeof vscode.chat?.createChatParticipant !== 'function') return;
  const participant = vscode.chat.createChatParticipant('rlhf-lens.chat', async (request, _context, stream, token) => {
    const doc = vscode.window.activeTextEditor?.document;
    const language = doc ? KINDS[doc.languageId] : undefined;
    const topics = topicsFor({ question: request.prompt, ...(request.command ? { command: request.command } : {}), ...(doc ? { file: { path: '', ...(language ? { kind: language } : {}) } } : {}) });
    const gathered = await gather(getClient(), doc, topics);
    let model: ChatModelLike | undefined;
    let reason = 'no chat model is installed or enabled';
    try {
      const chosen = (request as { model?: vscode.LanguageModelChat }).model ?? (await vscode.lm.selectChatModels())[0];
      if (chosen) model = modelOf(chosen, token);
    } catch (err) {
      reason = (err as Error).message;
    }
    const folder = doc ? vscode.workspace.getWorkspaceFolder(doc.uri) : undefined;
    await respond({ question: request.prompt, ...(request.command ? { command: request.command } : {}), ...gathered }, model, {
      markdown: (t) => stream.markdown(t),
      reference: (rel) => folder && stream.reference(vscode.Uri.file(path.join(folder.uri.fsPath, rel))),
      button: (c) =>
        stream.button({
          command: c.command,
          title: c.title,
          // Files travel as workspace-relative paths; commands take Uris.
          arguments: (c.args ?? []).map((a) => (typeof a === 'string' && folder ? vscode.Uri.file(path.join(folder.uri.fsPath, a)) : a)),
        }),
    }, reason);
    return {};
  });
  participant.iconPath = vscode.Uri.joinPath(context.extensionUri, 'resources', 'rlhf-lens.svg');
  context.subscriptions.push(participant);
}
