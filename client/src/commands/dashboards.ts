/**
 * The dashboard commands: Open Dashboard (a pipeline's phase dashboard), Show Pipeline Graph,
 * Show Calibration, Show A/B Results, Show Training Monitor and Analyze File. Every view's data
 * comes whole from the language server (`rlhfLens/dashboard`: assembled there from the evaluation
 * it keeps, analyses in its worker, cached); this module only picks the subject, forwards the
 * data to the panel and relays live training updates. It reads no files and computes no statistics.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { Methods, type DashboardParams, type TrainingUpdateParams } from '../../../server/src/protocol/lsp';
import type { DashboardData, HostMessage, ViewName } from '../../../server/src/protocol/webview';
import { DashboardPanel, type DashboardSource } from '../panels/dashboard-panel';
import { registerDashboardSerializers, type DashboardDescriptor } from '../panels/dashboard-restore';
import { AnalysisStatus } from '../status';
import { compareSource } from '../panels/compare-source';

/** Code lenses pass `{uri, stageId, checkIndex}`; menus pass a Uri; the palette passes nothing. */
type CommandArg = vscode.Uri | { uri?: string; stageId?: string } | undefined;

function argUri(arg: CommandArg): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  if (arg && typeof arg === 'object' && typeof arg.uri === 'string') return vscode.Uri.parse(arg.uri);
  return undefined;
}

export function registerDashboardCommands(context: vscode.ExtensionContext, getClient: () => LanguageClient | undefined): void {
  const log = vscode.window.createOutputChannel('RLHF Lens Dashboards');
  context.subscriptions.push(log);

  const client = (): LanguageClient => {
    const c = getClient();
    if (!c) throw new Error('the RLHF Lens language server is not running');
    return c;
  };
  /** The server computes the view; `section` asks for a part only (a re-bin). */
  // Every dashboard computation shows in the status bar while it runs, and can be cancelled there.
  const status = new AnalysisStatus();
  context.subscriptions.push(status);
  const dashboard = (params: DashboardParams): Promise<DashboardData> =>
    status.track(client(), `${params.kind ?? 'pipeline'} of ${path.basename(vscode.Uri.parse(params.uri).fsPath)}`, (token) => client().sendRequest<DashboardData>(Methods.dashboard, params, token));
  /** A view's source: the whole data on load, the calibration section alone on a re-bin. */
  const serverSource = (params: Omit<DashboardParams, 'bins' | 'section'>): DashboardSource => ({
    load: ({ bins }) => dashboard({ ...params, ...(bins !== undefined ? { bins } : {}) }),
    rebin: (bins) => dashboard({ ...params, bins, section: 'calibration' }),
  });

  // One notification handler for all followed training logs; panels subscribe by path.
  const followers = new Map<string, Set<(u: TrainingUpdateParams) => void>>();
  let listening = false;
  const follow = (file: string, onUpdate: (u: TrainingUpdateParams) => void): vscode.Disposable => {
    if (!listening) {
      listening = true;
      context.subscriptions.push(client().onNotification(Methods.trainingUpdate, (u: TrainingUpdateParams) => followers.get(u.path)?.forEach((f) => f(u))));
    }
    const set = followers.get(file) ?? new Set();
    followers.set(file, set);
    set.add(onUpdate);
    if (set.size === 1) void client().sendRequest(Methods.followTraining, { path: file }).catch((err: Error) => log.appendLine(`[training] cannot follow ${file}: ${err.message}`));
    return new vscode.Disposable(() => {
      set.delete(onUpdate);
      if (set.size === 0) {
        followers.delete(file);
        void client().sendRequest(Methods.unfollowTraining, { path: file }).catch(() => undefined);
      }
    });
  };

  const show = (view: ViewName, subject: string, source: DashboardSource): void => DashboardPanel.show(context, view, subject, source, log);
  const guarded =
    (fn: (arg: CommandArg) => Promise<void>) =>
    async (arg: CommandArg): Promise<void> => {
      try {
        await fn(arg);
      } catch (err) {
        void vscode.window.showErrorMessage(`RLHF Lens: ${(err as Error).message}`);
      }
    };

  const pickFile = async (arg: CommandArg, language: string | undefined, title: string, filters: Record<string, string[]>): Promise<string | undefined> => {
    const uri = argUri(arg);
    if (uri) return uri.fsPath;
    const editor = vscode.window.activeTextEditor;
    if (language && editor?.document.languageId === language && editor.document.uri.scheme === 'file') return editor.document.uri.fsPath;
    const picked = await vscode.window.showOpenDialog({ title, canSelectMany: false, filters, ...(vscode.workspace.workspaceFolders?.[0] ? { defaultUri: vscode.workspace.workspaceFolders[0].uri } : {}) });
    return picked?.[0]?.fsPath;
  };

  const pickPipeline = async (arg: CommandArg): Promise<string | undefined> => {
    const uri = argUri(arg);
    if (uri) return uri.fsPath;
    const editor = vscode.window.activeTextEditor;
    if (editor?.document.languageId === 'rlhf-pipeline' && editor.document.uri.scheme === 'file') return editor.document.uri.fsPath;
    const found = await vscode.workspace.findFiles('**/*.pipeline.{yaml,yml}', '**/node_modules/**', 50);
    if (found.length === 0) throw new Error('no *.pipeline.yaml file in the workspace');
    if (found.length === 1) return found[0]!.fsPath;
    const item = await vscode.window.showQuickPick(
      found.map((u) => ({ label: path.basename(u.fsPath), description: vscode.workspace.asRelativePath(u), file: u.fsPath })),
      { title: 'RLHF Lens: which pipeline?' },
    );
    return item?.file;
  };

  /** `stageId` (from a code lens) opens the dashboard on that stage's phase. */
  const pipelineSource = (file: string, stageId?: string): DashboardSource => ({
    ...serverSource({ uri: vscode.Uri.file(file).toString(), kind: 'pipeline' }),
    ...(stageId ? { focus: (data: DashboardData) => data.graph?.stages.find((s) => s.id === stageId)?.phase } : {}),
  });
  const stageOf = (arg: CommandArg): string | undefined => (arg && !(arg instanceof vscode.Uri) && typeof arg.stageId === 'string' ? arg.stageId : undefined);

  /** A view of one analysis of one file (no pipeline around it). */
  const single = (file: string, kind: Exclude<DashboardParams['kind'], 'pipeline' | undefined>, extra: Pick<DashboardParams, 'reference' | 'column' | 'group_by'> = {}): DashboardSource =>
    serverSource({ uri: vscode.Uri.file(file).toString(), kind, ...extra });

  const calibrationSource = (file: string): DashboardSource => single(file, 'calibration');

  const trainingSource = (file: string): DashboardSource => {
    const base = single(file, 'training');
    // The planned length comes with the data; the pace (for the ETA) from the live updates themselves.
    let maxSteps: number | null = null;
    let pace: { at: number; step: number } | undefined;
    const load: DashboardSource['load'] = async (options) => {
      const data = await base.load(options);
      maxSteps = data.training?.progress?.max_steps ?? null;
      pace = undefined;
      return data;
    };
    return {
      load,
      follow: (post: (m: HostMessage) => void) =>
        follow(file, (u) => {
          // A replaced or truncated log starts over: recompute everything rather than patch.
          if (u.reset) {
            void load({}).then((data) => post({ type: 'setData', view: 'training', data }));
            return;
          }
          let step = -Infinity;
          for (const pts of Object.values(u.points)) for (const [s] of pts) step = Math.max(step, s);
          if (!Number.isFinite(step)) return;
          const now = Date.now();
          pace ??= { at: now, step };
          const perSecond = now > pace.at ? ((step - pace.step) * 1000) / (now - pace.at) : 0;
          const eta = maxSteps !== null && perSecond > 0 ? (maxSteps - step) / perSecond : null;
          post({ type: 'trainingUpdate', points: u.points, progress: { step, max_steps: maxSteps, running: maxSteps === null || step < maxSteps, eta_seconds: eta } });
        }),
    };
  };

  /** Every dashboard from its descriptor: the commands open them, the serializer re-opens them after a reload. */
  const sourceFor = (d: DashboardDescriptor): { subject: string; source: DashboardSource } => {
    const built = ((): { subject: string; source: DashboardSource } => {
      switch (d.kind) {
        case 'pipeline':
          return { subject: d.file, source: pipelineSource(d.file, d.stageId) };
        case 'calibration':
          return { subject: d.file, source: calibrationSource(d.file) };
        case 'training':
          return { subject: d.file, source: trainingSource(d.file) };
        case 'ab':
          return { subject: d.file, source: single(d.file, 'ab') };
        case 'agreement':
          return { subject: `agreement:${d.file}`, source: single(d.file, 'agreement') };
        case 'latency':
          return { subject: `latency:${d.file}`, source: single(d.file, 'latency', { group_by: 'adapter_id' }) };
        case 'compare': {
          const runs = d.runs ?? [d.file];
          return { subject: runs.join(path.delimiter), source: compareSource(client, runs, runs.map((r) => path.basename(r)).join(' vs ')) };
        }
        case 'drift': {
          const reference = d.reference ?? d.file;
          const column = d.column ?? 'score';
          return { subject: `drift:${reference}:${d.file}:${column}`, source: single(d.file, 'drift', { reference, column }) };
        }
      }
    })();
    const restore: Record<string, string> = {};
    for (const [k, v] of Object.entries(d)) if (typeof v === 'string') restore[k] = v;
    return { subject: built.subject, source: { ...built.source, restore: built.source.restore ?? restore } };
  };
  const open = (d: DashboardDescriptor): void => {
    const { subject, source } = sourceFor(d);
    show(d.view, subject, source);
  };
  registerDashboardSerializers(
    context,
    (panel, d) => {
      const { subject, source } = sourceFor(d);
      DashboardPanel.revive(context, panel, d.view, subject, source, log);
    },
    log,
  );

  context.subscriptions.push(
    vscode.commands.registerCommand(
      'rlhfLens.openDashboard',
      guarded(async (arg) => {
        const file = await pickPipeline(arg);
        if (file) open({ kind: 'pipeline', view: 'phases', file, ...(stageOf(arg) ? { stageId: stageOf(arg)! } : {}) });
      }),
    ),
    vscode.commands.registerCommand(
      'rlhfLens.showPipelineGraph',
      guarded(async (arg) => {
        const file = await pickPipeline(arg);
        if (file) open({ kind: 'pipeline', view: 'graph', file });
      }),
    ),
    vscode.commands.registerCommand(
      'rlhfLens.showCalibration',
      guarded(async (arg) => {
        const file = await pickFile(arg, undefined, 'Predictions to check for calibration', { Data: ['jsonl', 'csv', 'tsv', 'json', 'gz'] });
        if (file) open({ kind: 'calibration', view: 'calibration', file });
      }),
    ),
    vscode.commands.registerCommand(
      'rlhfLens.showAbResults',
      guarded(async (arg) => {
        const file = await pickFile(arg, 'rlhf-experiment', 'Experiment file', { Experiment: ['yaml', 'yml'] });
        if (!file) return;
        open({ kind: 'ab', view: 'ab', file });
      }),
    ),
    vscode.commands.registerCommand(
      'rlhfLens.showTrainingMonitor',
      guarded(async (arg) => {
        const file = await pickFile(arg, undefined, 'Training log (trainer_state.json, metrics.csv, JSONL, TensorBoard events)', { Logs: ['json', 'csv', 'jsonl', 'gz'], 'All files (TensorBoard events.out.tfevents.*)': ['*'] });
        if (file) open({ kind: 'training', view: 'training', file });
      }),
    ),
    vscode.commands.registerCommand(
      'rlhfLens.analyzeFile',
      guarded(async (arg) => {
        const file = await pickFile(arg, undefined, 'Data file to analyze', { Data: ['jsonl', 'csv', 'tsv', 'json', 'gz'] });
        if (!file) return;
        const choice = await vscode.window.showQuickPick(
          [
            { label: 'calibration', detail: 'Reliability of predicted confidences ({confidence, correct}, {prob, label}, {chosen_score, rejected_score}, ...)' },
            { label: 'training', detail: 'Loss, learning rate and reward curves with alerts (trainer_state.json, metrics.csv, JSONL logs)' },
            { label: 'agreement', detail: 'Annotator agreement ({item_id, annotator, label})' },
            { label: 'latency', detail: 'Serving latency and success per adapter ({timestamp, adapter_id, latency_ms, success})' },
            { label: 'drift', detail: 'Compare this file with a reference sample' },
          ],
          { title: `RLHF Lens: analyze ${path.basename(file)}` },
        );
        if (!choice) return;
        switch (choice.label) {
          case 'calibration':
            return open({ kind: 'calibration', view: 'calibration', file });
          case 'training':
            return open({ kind: 'training', view: 'training', file });
          case 'agreement':
            return open({ kind: 'agreement', view: 'phases', file });
          case 'latency':
            return open({ kind: 'latency', view: 'phases', file });
          case 'drift': {
            const reference = await pickFile(undefined, undefined, 'Reference sample', { Data: ['jsonl', 'csv', 'tsv', 'json', 'gz'] });
            const column = reference ? await vscode.window.showInputBox({ title: 'Column to compare', value: 'score' }) : undefined;
            if (!reference || !column) return;
            return open({ kind: 'drift', view: 'phases', file, reference, column });
          }
        }
      }),
    ),
  );
}
