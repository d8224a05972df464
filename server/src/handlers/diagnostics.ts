/**
 * Publishes diagnostics for open config documents, debounced per document.
 * A result computed for an older version of a document is dropped, never published.
 *
 * Cross-file facts come from the file system (open buffers win over the disk). Each document
 * remembers which files its check asked about, so when one of them changes (on disk or in an
 * editor) the documents that depend on it are checked again.
 */
import * as path from 'node:path';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { ServerContext } from '../server-context';
import { isConfigFile, LANGUAGE_IDS } from '../config/kind';

/** Documents the editor has put in one of our languages are checked whatever their name (e.g. untitled ones). */
const OUR_LANGUAGES = new Set<string>(Object.values(LANGUAGE_IDS));
import { lintText, type RuleTimeBudget, type SeveritySetting } from '../config/lint';
import { recordingFacts } from '../workspace/index';
import type { ParsedFile } from '../config/parse';
import { openConfig } from './open-config';
import { SETTINGS_FILE, type RuleSettings } from '../workspace/rule-settings';
import { toLspDiagnostic, uriToPath, pathToUri } from './convert';
import { lintTargets } from '../workspace/config-files';
import { Methods, type ValidateWorkspaceResult } from '../protocol/lsp';
import * as fs from 'node:fs';

/** A check faster than this is not debounced (rlhfLens.validation.debounceMs applies to slower ones). */
export const QUICK_CHECK_MS = 10;

export interface DiagnosticsHandle {
  /** Re-checks every open document (after a settings or workspace change). */
  revalidateAll(): void;
}

export function registerDiagnostics(ctx: ServerContext): DiagnosticsHandle {
  const timers = new Map<string, NodeJS.Timeout>();
  const facts = ctx.files;
  /** uri -> normalized paths its last check asked about. */
  const dependencies = new Map<string, Set<string>>();
  const settingsFor = (filePath: string): RuleSettings | undefined => ctx.project.for(filePath);

  /** uri -> the rules too slow on that open document, skipped for a few checks. */
  const ruleBudgets = new Map<string, RuleTimeBudget>();

  const lintFile = (filePath: string, text: string, asked?: Set<string>, ruleBudget?: RuleTimeBudget, parsed?: ParsedFile) => {
    const project = settingsFor(filePath);
    const severities: Record<string, SeveritySetting> = { ...ctx.settings.rules, ...(project?.severities ?? {}) };
    return lintText(text, {
      path: filePath,
      facts: asked ? recordingFacts(facts, asked) : facts,
      severities,
      limits: ctx.settings.limits,
      ...(project?.kindMap ? { kindMap: project.kindMap } : {}),
      ...(project?.hardware ? { project: { hardware: project.hardware } } : {}),
      ...(ruleBudget ? { ruleBudget } : {}),
      ...(parsed ? { parsed } : {}),
    });
  };

  /** uri -> how long its last check took (ms), which decides whether an edit waits for the debounce. */
  const lastCost = new Map<string, number>();

  const validate = (doc: TextDocument): void => {
    const started = performance.now();
    try {
      validateNow(doc);
    } finally {
      lastCost.set(doc.uri, performance.now() - started);
    }
  };

  const validateNow = (doc: TextDocument): void => {
    const uri = doc.uri;
    const version = doc.version;
    const filePath = uriToPath(uri);
    const text = doc.getText();
    if (!ctx.settings.validationEnabled || !(OUR_LANGUAGES.has(doc.languageId) || isConfigFile(filePath, text, settingsFor(filePath)?.kindMap))) {
      dependencies.delete(uri);
      void ctx.connection.sendDiagnostics({ uri, diagnostics: [] });
      return;
    }
    const asked = new Set<string>();
    let ruleBudget = ruleBudgets.get(uri);
    if (!ruleBudget) ruleBudgets.set(uri, (ruleBudget = { ms: ctx.settings.ruleTimeBudgetMs, skipping: new Map() }));
    ruleBudget.ms = ctx.settings.ruleTimeBudgetMs;
    // The document's parse from the shared cache (same version, same limits): hover and completion reuse it.
    const diags = lintFile(filePath, text, asked, ruleBudget, openConfig(ctx, uri)?.file().parsed);
    dependencies.set(uri, asked);
    const current = ctx.documents.get(uri);
    if (!current || current.version !== version) return; // stale
    void ctx.connection.sendDiagnostics({
      uri,
      version,
      diagnostics: diags.map((d) => toLspDiagnostic(d, uri)),
    });
  };

  function revalidateAll(): void {
    for (const doc of ctx.documents.all()) schedule(doc, 0);
  }

  const schedule = (doc: TextDocument, delay: number): void => {
    const prev = timers.get(doc.uri);
    if (prev) clearTimeout(prev);
    timers.set(
      doc.uri,
      setTimeout(() => {
        timers.delete(doc.uri);
        const current = ctx.documents.get(doc.uri);
        if (current) ctx.guard(`validate ${doc.uri}`, () => validate(current));
      }, delay),
    );
  };

  /** Re-checks open documents whose last check asked about `filePath`. */
  const scheduleDependents = (filePath: string, except?: string): void => {
    const key = path.normalize(filePath);
    for (const [uri, asked] of dependencies) {
      if (uri === except || !asked.has(key)) continue;
      const doc = ctx.documents.get(uri);
      if (doc) schedule(doc, ctx.settings.debounceMs);
    }
  };

  const bufferChanged = (doc: TextDocument, delay: number): void => {
    const filePath = uriToPath(doc.uri);
    if (path.isAbsolute(filePath)) {
      facts.override(filePath, doc.getText());
      scheduleDependents(filePath, doc.uri);
    }
    schedule(doc, delay);
  };

  ctx.documents.onDidOpen((e) => bufferChanged(e.document, 0));
  // The debounce only pays off when a check is slow: a document whose last check took under
  // QUICK_CHECK_MS (a small edit, reparsed incrementally) is checked on the next turn of the event loop,
  // after the changes already received.
  ctx.documents.onDidChangeContent((e) => bufferChanged(e.document, (lastCost.get(e.document.uri) ?? Infinity) < QUICK_CHECK_MS ? 0 : ctx.settings.debounceMs));
  ctx.documents.onDidClose((e) => {
    const t = timers.get(e.document.uri);
    if (t) clearTimeout(t);
    timers.delete(e.document.uri);
    dependencies.delete(e.document.uri);
    ruleBudgets.delete(e.document.uri);
    lastCost.delete(e.document.uri);
    const filePath = uriToPath(e.document.uri);
    if (path.isAbsolute(filePath)) {
      facts.override(filePath, undefined);
      scheduleDependents(filePath);
    }
    void ctx.connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });
  ctx.connection.onDidChangeWatchedFiles((params) => {
    ctx.guard('workspace/didChangeWatchedFiles', () => {
      let settingsChanged = false;
      for (const change of params.changes) {
        const filePath = uriToPath(change.uri);
        facts.invalidate(filePath);
        if (path.basename(filePath) === SETTINGS_FILE) {
          ctx.project.forget(path.dirname(filePath));
          settingsChanged = true;
        } else scheduleDependents(filePath);
      }
      if (settingsChanged) revalidateAll();
    });
  });
  /**
   * "Validate Workspace": every config file of the workspace folders (respecting .gitignore, as
   * `rlhf-lens lint` does), open buffers as edited, the others from disk; their problems are published
   * so the Problems panel lists files the user has not opened.
   */
  ctx.connection.onRequest(Methods.validateWorkspace, (): ValidateWorkspaceResult => {
    const summary = { files: 0, errors: 0, warnings: 0 };
    for (const folder of ctx.workspaceFolders) {
      let files: string[];
      try {
        files = lintTargets(['.'], folder, settingsFor(path.join(folder, SETTINGS_FILE))?.kindMap);
      } catch (err) {
        ctx.connection.console.warn(`rlhf-lens: cannot list ${folder}: ${(err as Error).message}`);
        continue;
      }
      for (const rel of files) {
        const abs = path.resolve(folder, rel);
        const uri = pathToUri(abs);
        const open = ctx.documents.get(uri);
        let text: string;
        try {
          text = open ? open.getText() : fs.readFileSync(abs, 'utf8');
        } catch {
          continue; // deleted since it was listed
        }
        const diags = ctx.guard(`validate ${abs}`, () => lintFile(abs, text)) ?? [];
        summary.files++;
        summary.errors += diags.filter((d) => d.severity === 'error').length;
        summary.warnings += diags.filter((d) => d.severity === 'warning').length;
        if (!open) void ctx.connection.sendDiagnostics({ uri, diagnostics: diags.map((d) => toLspDiagnostic(d, uri)) });
      }
    }
    return summary;
  });

  return { revalidateAll };
}
