/**
 * The host of every dashboard webview: one panel per view and subject (re-used when opened again),
 * the shared HTML page (nonce CSP, resources only from dist/webviews), and both directions of the
 * message contract: what the view sends is validated before it is acted on, what the host sends is
 * validated before it is posted. Files open only inside the workspace; exports go through a save dialog.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { HostMessage, parseViewMessage, type DashboardData, type Phase, type ViewMessage, type ViewName } from '../../../server/src/protocol/webview';
import { buildDashboardHtml } from '../../../server/src/report/html';
import { resolveInWorkspace } from './workspace-paths';

export interface DashboardSource {
  /** Computes the view's data; `bins` when the user changed the calibration bins, `step`/`smoothing` for the run comparison. */
  load(options: LoadOptions): Promise<DashboardData>;
  /** Recomputes only the calibration section with new bins (the server answers that part alone). */
  rebin?(bins: number): Promise<Partial<DashboardData>>;
  /** The phase tab to open on (phase dashboard only). */
  focus?(data: DashboardData): Phase | undefined;
  /** Starts live updates (training runs); returns how to stop them. */
  follow?(post: (message: HostMessage) => void): vscode.Disposable;
  /** What the panel shows, kept in the view's state so a reload can re-open it (dashboard-restore.ts). */
  restore?: Record<string, string>;
}

export interface LoadOptions {
  bins?: number;
  step?: number | null;
  smoothing?: number;
}

const VIEW_TITLES: Record<ViewName, string> = {
  compare: 'Run Comparison',
  phases: 'Dashboard',
  calibration: 'Calibration',
  ab: 'A/B Results',
  training: 'Training Monitor',
  graph: 'Pipeline Graph',
};

export class DashboardPanel {
  private static readonly open = new Map<string, DashboardPanel>();
  private readonly disposables: vscode.Disposable[] = [];
  private data: DashboardData | undefined;
  /** Why the last load failed; kept so a view that becomes ready later still shows it. */
  private failure: string | undefined;
  private ready = false;

  static show(context: vscode.ExtensionContext, view: ViewName, subject: string, source: DashboardSource, log: vscode.OutputChannel): void {
    const key = `${view}:${subject}`;
    const existing = DashboardPanel.open.get(key);
    if (existing) {
      existing.panel.reveal();
      void existing.refresh({});
      return;
    }
    const panel = vscode.window.createWebviewPanel(`rlhfLens.${view}`, `RLHF Lens: ${VIEW_TITLES[view]}`, vscode.ViewColumn.Beside, {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'dist', 'webviews')],
    });
    DashboardPanel.open.set(key, new DashboardPanel(context, panel, view, source, log, () => DashboardPanel.open.delete(key)));
  }

  /** Fills a panel VS Code restored after a reload (its serializer found what it showed). */
  static revive(context: vscode.ExtensionContext, panel: vscode.WebviewPanel, view: ViewName, subject: string, source: DashboardSource, log: vscode.OutputChannel): void {
    const key = `${view}:${subject}`;
    DashboardPanel.open.get(key)?.panel.dispose();
    panel.webview.options = { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'dist', 'webviews')] };
    DashboardPanel.open.set(key, new DashboardPanel(context, panel, view, source, log, () => DashboardPanel.open.delete(key)));
  }

  private constructor(
    context: vscode.ExtensionContext,
    private readonly panel: vscode.WebviewPanel,
    private readonly view: ViewName,
    private readonly source: DashboardSource,
    private readonly log: vscode.OutputChannel,
    onDispose: () => void,
  ) {
    const dist = vscode.Uri.joinPath(context.extensionUri, 'dist', 'webviews');
    panel.webview.html = buildDashboardHtml({
      view,
      title: `RLHF Lens: ${VIEW_TITLES[view]}`,
      nonce: randomBytes(18).toString('base64'),
      assets: {
        kind: 'linked',
        scriptUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(dist, `${view}.js`)).toString(),
        styleUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(dist, 'styles.css')).toString(),
        cspSource: panel.webview.cspSource,
      },
    });
    this.disposables.push(
      panel.webview.onDidReceiveMessage((raw: unknown) => void this.receive(raw)),
      panel.onDidDispose(() => {
        onDispose();
        for (const d of this.disposables) d.dispose();
      }),
    );
    if (source.follow) this.disposables.push(source.follow((m) => this.post(m)));
    void this.refresh({});
  }

  private post(message: HostMessage): void {
    if (!this.ready) return;
    // The same checker the view runs: a bad result is caught here, with the field named, not in the view.
    try {
      HostMessage(message);
    } catch (err) {
      this.log.appendLine(`[dashboard] not sending an invalid ${message.type} message: ${(err as Error).message}`);
      return;
    }
    void this.panel.webview.postMessage(message);
  }

  private sendData(): void {
    if (!this.data) return;
    const focus = this.source.focus?.(this.data);
    this.post({ type: 'setData', view: this.view, data: this.data, ...(focus ? { focus } : {}), ...(this.source.restore ? { restore: this.source.restore } : {}) });
  }

  private async refresh(options: LoadOptions): Promise<void> {
    try {
      this.data = await this.source.load(options);
      this.failure = undefined;
      this.sendData();
    } catch (err) {
      const message = `RLHF Lens could not compute this view: ${(err as Error).message}`;
      this.failure = message;
      this.log.appendLine(`[dashboard] ${this.view}: ${message}`);
      this.post({ type: 'error', message });
      void vscode.window.showWarningMessage(message);
    }
  }

  /** A re-bin changes one section: merge it into the data the view has. */
  private async rebin(bins: number): Promise<void> {
    try {
      const part = await this.source.rebin!(bins);
      this.data = { ...this.data!, ...part };
      this.sendData();
    } catch (err) {
      const message = `RLHF Lens could not compute this view: ${(err as Error).message}`;
      this.log.appendLine(`[dashboard] ${this.view}: ${message}`);
      this.post({ type: 'error', message });
    }
  }

  private async receive(raw: unknown): Promise<void> {
    let message: ViewMessage;
    try {
      message = parseViewMessage(raw);
    } catch (err) {
      this.log.appendLine(`[dashboard] rejected a message from the ${this.view} view: ${(err as Error).message}`);
      return;
    }
    switch (message.type) {
      case 'ready':
        this.ready = true;
        this.sendData();
        if (this.failure) this.post({ type: 'error', message: this.failure });
        return;
      case 'rerun':
        if (this.source.rebin && this.data) await this.rebin(message.options.bins);
        else await this.refresh({ bins: message.options.bins });
        return;
      case 'compareOptions':
        await this.refresh({ step: message.step, smoothing: message.smoothing });
        return;
      case 'openFile':
        await this.openFile(message.path, message.range?.line, message.range?.character);
        return;
      case 'exportCsv':
        await this.save(message.name, 'csv', new TextEncoder().encode(message.csv));
        return;
      case 'exportPng':
        await this.save(message.name, 'png', Buffer.from(message.dataUrl.slice('data:image/png;base64,'.length), 'base64'));
        return;
    }
  }

  private async openFile(requested: string, line = 0, character = 0): Promise<void> {
    const roots = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
    const file = resolveInWorkspace(requested, roots);
    if (!file) {
      this.log.appendLine(`[dashboard] refused to open ${requested}: not inside the workspace folders`);
      void vscode.window.showWarningMessage(`RLHF Lens: ${requested} is outside the workspace, so the dashboard cannot open it.`);
      return;
    }
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    const position = new vscode.Position(line, character);
    await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One, selection: new vscode.Range(position, position) });
  }

  private async save(name: string, ext: 'csv' | 'png', bytes: Uint8Array): Promise<void> {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const safeName = name.replace(/[^\w.-]+/g, '-').slice(0, 80) || 'chart';
    const target = await vscode.window.showSaveDialog({
      ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, `${safeName}.${ext}`) } : {}),
      filters: ext === 'csv' ? { CSV: ['csv'] } : { PNG: ['png'] },
    });
    if (!target) return;
    await vscode.workspace.fs.writeFile(target, bytes);
    void vscode.window.showInformationMessage(`RLHF Lens: saved ${vscode.workspace.asRelativePath(target)}`);
  }
}
