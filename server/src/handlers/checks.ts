/**
 * Pipeline checks in the editor: the checks of open Pipeline documents are evaluated in the
 * analysis worker (trusted workspaces only), failed asserts become `check/failed` diagnostics on
 * the assert's metric key (pull diagnostics, a collection separate from the config lint's), and
 * each check's code lens shows its last verdict ("✓ ece 0.031 <= 0.05" / "✗ ...").
 *
 * Results of an older document version are dropped; a newer edit aborts the running evaluation.
 */
import { DiagnosticSeverity, DocumentDiagnosticReportKind, ResponseError, type Diagnostic as LspDiagnostic } from 'vscode-languageserver/node';
import type { ServerContext } from '../server-context';
import type { ConfigDocument } from '../config/model';
import { pipelineDocument, pipelineFromDocument, readPipelineText, type Pipeline, type PipelineCheck } from '../config/pipeline-file';
import { openConfig } from './open-config';
import { Methods, RunCheckParams, AnalyzeErrorCodes, type CheckResult } from '../protocol/lsp';
import { evaluateCheck, evaluatePipeline, type CheckOutcome, type Execute, type PipelineEvaluation } from '../engine/checks';
import type { EvaluationSource } from './dashboard';
import type { AnalysisService } from '../engine/service';
import { refreshCodeLenses, type DocumentCheckStatusSource } from './code-lens';
import { analysisAllowed, toResponseError } from './analyze';
import { SOURCE, ruleDocUri, uriToPath } from './convert';
import * as fs from 'node:fs';

/** Delay after the last edit before checks are evaluated again. */
const DEBOUNCE_MS = 400;

interface PipelineState {
  version: number;
  outcomes: Map<string, CheckOutcome>;
  abort?: AbortController;
  /** Watches the checks' data files: a rewritten data file re-evaluates the pipeline. */
  watchers?: fs.FSWatcher[];
  /** Last outcomes of checks on a connection (`source:`), by what they query: an edit elsewhere sends no query. */
  sourced?: Map<string, CheckOutcome>;
}

/** What a check on a connection asks the database: the same signature, the same answer (until open, save or Run Check). */
const sourceSignature = (c: PipelineCheck): string => JSON.stringify([c.analysis, c.source, c.options]);

const checkKey = (stageId: string, index: number) => `${stageId}\u0000${index}`;

/** Outcomes that a newer evaluation took over: they replace nothing. */
const superseded = (o: CheckOutcome): boolean => o.errorKind === 'cancelled' || o.errorKind === 'stale';

/** "✓ ece 0.031 <= 0.05" or "✗ accuracy 0.61 < min 0.7", for the code lens. */
export function checkStatusText(outcome: CheckOutcome): string {
  if (outcome.error) return `✗ ${outcome.error}`;
  const failing = outcome.verdicts.filter((v) => !v.passed);
  const shown = (failing.length ? failing : outcome.verdicts).slice(0, 2).map((v) => v.message);
  const more = (failing.length || outcome.verdicts.length) - shown.length;
  return `${failing.length ? '✗' : '✓'} ${shown.join(', ')}${more > 0 ? ` (+${more})` : ''}`;
}

export function toCheckResult(outcome: CheckOutcome): CheckResult {
  return {
    stageId: outcome.check.stage,
    checkIndex: outcome.check.path[3] as number,
    analysis: outcome.check.analysis,
    passed: outcome.passed,
    asserts: outcome.verdicts,
    ...(outcome.error ? { error: outcome.error } : {}),
  };
}

/**
 * Where a check names `column`: the `options.columns` mapping entry, `options.column` (drift),
 * `options.group_by` (latency), else the Experiment it reads (ab's metrics name their columns there),
 * else its `source`.
 */
function columnKeyPath(check: PipelineCheck, column: string): (string | number)[] {
  const base = check.path;
  const options = check.options;
  const columns = options['columns'];
  if (columns && typeof columns === 'object') {
    const field = Object.entries(columns as Record<string, unknown>).find(([, v]) => v === column)?.[0];
    if (field !== undefined) return [...base, 'options', 'columns', field];
  }
  for (const key of ['column', 'group_by']) if (options[key] === column) return [...base, 'options', key];
  if (check.analysis === 'ab' && typeof options['experiment'] === 'string') return [...base, 'options', 'experiment'];
  return [...base, 'source'];
}

function diagnosticsFor(doc: ConfigDocument, outcomes: Iterable<CheckOutcome>): LspDiagnostic[] {
  const out: LspDiagnostic[] = [];
  for (const o of outcomes) {
    const base = o.check.path;
    if (o.error && o.missingColumn !== undefined) {
      // From the server's own metadata, fetched when the check ran (open, save, Run Check).
      out.push({
        range: doc.valueRange(columnKeyPath(o.check, o.missingColumn)),
        severity: DiagnosticSeverity.Warning,
        code: 'check/unknown-column',
        codeDescription: { href: ruleDocUri('check/unknown-column') },
        source: SOURCE,
        message: `Unknown column "${o.missingColumn}": ${o.error}`,
        data: { column: o.missingColumn },
      });
    } else if (o.error) {
      out.push({
        range: doc.valueRange(o.errorField ? [...base, o.errorField] : o.check.data !== undefined ? [...base, 'data'] : o.check.source ? [...base, 'source'] : [...base, 'analysis']),
        severity: DiagnosticSeverity.Warning,
        code: 'check/error',
        codeDescription: { href: ruleDocUri('check/error') },
        source: SOURCE,
        message: `Check could not run: ${o.error}`,
      });
    }
    for (const v of o.verdicts) {
      if (v.passed) continue;
      out.push({
        range: doc.keyRange([...base, 'assert', v.metric]),
        severity: DiagnosticSeverity.Warning,
        code: 'check/failed',
        codeDescription: { href: ruleDocUri('check/failed') },
        source: SOURCE,
        message: `Check failed: ${v.message} (${o.check.analysis} of ${o.check.data ?? (o.check.source ? `${o.check.source.connection}:${o.check.source.table ?? '(query)'}` : '?')})`,
        data: { value: v.value, min: v.min ?? null, max: v.max ?? null },
      });
    }
  }
  return out;
}

/** What other handlers may ask of the checks: the views' last results, the lens text, the dashboard's evaluation. */
export interface ChecksHandle extends EvaluationSource {
  /** The last result of each evaluated check of a pipeline document, undefined when it was never evaluated. */
  resultsFor(uri: string): CheckResult[] | undefined;
  /** A check's last outcome as code-lens text ("✓ ece 0.031 <= 0.05"). */
  statusText: DocumentCheckStatusSource;
}

/** The part of ChecksHandle the overview reads. */
export type CheckResults = Pick<ChecksHandle, 'resultsFor'>;

export function registerChecks(ctx: ServerContext, service: AnalysisService): ChecksHandle {
  const states = new Map<string, PipelineState>();
  const timers = new Map<string, NodeJS.Timeout>();

  const refresh = () => {
    ctx.connection.languages.diagnostics.refresh().catch(() => undefined);
    refreshCodeLenses(ctx);
  };

  const execute: Execute = (request, signal) => service.analyze(request, signal ? { signal } : {});

  /** The pipeline model of an open document, from the shared parse cache (the user's limits). */
  const readOpen = (uri: string): { pipeline: Pipeline; doc: ConfigDocument } | undefined => {
    const doc = pipelineDocument(openConfig(ctx, uri)?.file().documents ?? []);
    return doc ? { pipeline: pipelineFromDocument(doc, uriToPath(uri)), doc } : undefined;
  };

  /**
   * Evaluates the checks of one open pipeline; returns false when the result was stale or not allowed.
   * Checks on a connection query it on open and save (`fresh`); an edit re-judges their kept result
   * (asserts may have changed) unless the edit changed what they query.
   */
  const evaluate = async (uri: string, fresh = true): Promise<boolean> => {
    const document = ctx.documents.get(uri);
    if (!document || analysisAllowed(ctx)) return false;
    const read = readOpen(uri);
    if (!read) return false;
    const prev = states.get(uri);
    prev?.abort?.abort();
    for (const w of prev?.watchers ?? []) w.close();
    const abort = new AbortController();
    // Deferred checks (paths with expressions) cannot run in the editor; they get neither lens verdict nor diagnostic.
    const only = (c: PipelineCheck) => c.state.kind !== 'deferred';
    const sourced = fresh ? undefined : prev?.sourced;
    const state: PipelineState = { version: document.version, outcomes: prev?.outcomes ?? new Map(), abort, watchers: watchData(uri, read.pipeline.checks.filter(only)), ...(prev?.sourced ? { sourced: prev.sourced } : {}) };
    states.set(uri, state);
    const reuse = (c: PipelineCheck): CheckOutcome | undefined => {
      const kept = c.source && c.state.kind === 'runnable' ? sourced?.get(sourceSignature(c)) : undefined;
      if (!kept) return undefined;
      return kept.outcome ? evaluateCheck(c, kept.outcome) : { ...kept, check: c };
    };
    const { outcomes } = await evaluatePipeline(read.pipeline, execute, abort.signal, { only, parallel: true, reuse });
    if (abort.signal.aborted || ctx.documents.get(uri)?.version !== state.version) return false;
    state.outcomes = new Map(outcomes.filter((o) => !superseded(o)).map((o) => [checkKey(o.check.stage, o.check.path[3] as number), o]));
    state.sourced = new Map(outcomes.filter((o) => o.check.source && !superseded(o)).map((o) => [sourceSignature(o.check), o]));
    state.abort = undefined;
    refresh();
    // Opened, saved or its files changed: keep the verdicts in the run history (not on every keystroke).
    if (fresh) service.recordChecks(read.pipeline.file, outcomes).catch((err: unknown) => ctx.connection.console.error(`rlhf-lens: recording checks of ${uri} failed: ${(err as Error).message}`));
    return true;
  };

  const watchData = (uri: string, checks: PipelineCheck[]): fs.FSWatcher[] => {
    const files = new Set(checks.flatMap((c) => [c.dataFile, c.referenceFile, c.baselineFile].filter((f): f is string => !!f)));
    const out: fs.FSWatcher[] = [];
    for (const f of files) {
      try {
        const w = fs.watch(f, () => schedule(uri, DEBOUNCE_MS));
        w.on('error', () => undefined);
        out.push(w);
      } catch {
        // A missing data file is reported by the check itself.
      }
    }
    return out;
  };

  const schedule = (uri: string, delay: number, fresh = true) => {
    const t = timers.get(uri);
    if (t) clearTimeout(t);
    timers.set(
      uri,
      setTimeout(() => {
        timers.delete(uri);
        evaluate(uri, fresh).catch((err: unknown) => ctx.connection.console.error(`rlhf-lens: checks of ${uri} failed: ${(err as Error).stack ?? String(err)}`));
      }, delay),
    );
  };

  const isPipeline = (uri: string): boolean => {
    const d = ctx.documents.get(uri);
    return !!d && /^\s*kind:\s*Pipeline\b/m.test(d.getText());
  };

  ctx.documents.onDidOpen((e) => {
    if (isPipeline(e.document.uri)) schedule(e.document.uri, 0);
  });
  ctx.documents.onDidChangeContent((e) => {
    if (isPipeline(e.document.uri)) schedule(e.document.uri, DEBOUNCE_MS, false);
  });
  ctx.documents.onDidSave((e) => {
    if (isPipeline(e.document.uri)) schedule(e.document.uri, 0);
  });
  ctx.documents.onDidClose((e) => {
    states.get(e.document.uri)?.abort?.abort();
    for (const w of states.get(e.document.uri)?.watchers ?? []) w.close();
    states.delete(e.document.uri);
    const t = timers.get(e.document.uri);
    if (t) clearTimeout(t);
    timers.delete(e.document.uri);
  });

  const statusText: DocumentCheckStatusSource = (uri, ref) => {
    if (analysisAllowed(ctx)) return undefined;
    const o = states.get(uri)?.outcomes.get(checkKey(ref.stageId, ref.checkIndex));
    return o ? checkStatusText(o) : undefined;
  };

  ctx.connection.languages.diagnostics.on((params) => {
    const uri = params.textDocument.uri;
    const document = ctx.documents.get(uri);
    const state = states.get(uri);
    if (!document || !state || analysisAllowed(ctx)) {
      // Trust may have been granted since the document was opened: evaluate now, report when done.
      if (document && !state && !analysisAllowed(ctx) && isPipeline(uri)) schedule(uri, 0);
      return { kind: DocumentDiagnosticReportKind.Full, items: [] };
    }
    const read = readOpen(uri);
    return { kind: DocumentDiagnosticReportKind.Full, items: read ? diagnosticsFor(read.doc, state.outcomes.values()) : [] };
  });

  ctx.connection.onRequest(Methods.runCheck, async (raw: unknown): Promise<CheckResult[]> => {
    let params: RunCheckParams;
    try {
      params = RunCheckParams(raw);
    } catch (err) {
      throw toResponseError(err);
    }
    const denied = analysisAllowed(ctx);
    if (denied) throw new ResponseError(AnalyzeErrorCodes.notAllowed, denied);
    const document = ctx.documents.get(params.uri);
    if (!document) throw new ResponseError(AnalyzeErrorCodes.badInput, `${params.uri} is not open`);
    const read = readOpen(params.uri);
    const only = (c: PipelineCheck) => c.stage === params.stageId && (params.checkIndex === undefined || c.path[3] === params.checkIndex);
    if (!read || !read.pipeline.checks.some(only)) throw new ResponseError(AnalyzeErrorCodes.badInput, `no check ${params.checkIndex ?? ''} in stage "${params.stageId}"`);
    const { outcomes } = await evaluatePipeline(read.pipeline, execute, undefined, { only, parallel: true });
    const state: PipelineState = states.get(params.uri) ?? { version: document.version, outcomes: new Map() };
    for (const o of outcomes) {
      state.outcomes.set(checkKey(o.check.stage, o.check.path[3] as number), o);
      if (o.check.source && !superseded(o)) (state.sourced ??= new Map()).set(sourceSignature(o.check), o);
    }
    states.set(params.uri, state);
    refresh();
    await service.recordChecks(read.pipeline.file, outcomes).catch((err: unknown) => ctx.connection.console.error(`rlhf-lens: recording checks failed: ${(err as Error).message}`));
    return outcomes.map(toCheckResult);
  });

  /** The evaluation of a pipeline on its current text: the outcomes kept for this document version, the rest evaluated now. */
  const evaluationFor = async (uri: string, signal?: AbortSignal): Promise<PipelineEvaluation> => {
    const file = uriToPath(uri);
    const document = ctx.documents.get(uri);
    let text: string;
    try {
      text = document ? document.getText() : fs.readFileSync(file, 'utf8');
    } catch (err) {
      throw new ResponseError(AnalyzeErrorCodes.badInput, `${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
    }
    const open = document ? readOpen(uri) : undefined;
    const read = open ? { ok: true as const, ...open } : readPipelineText(text, file, ctx.settings.limits);
    if (!read.ok) throw new ResponseError(AnalyzeErrorCodes.badInput, read.line !== undefined ? `${file}:${read.line + 1}: ${read.message}` : `${file}: ${read.message}`);
    const state = states.get(uri);
    const kept = document && state && state.version === document.version && !state.abort ? state.outcomes : undefined;
    return evaluatePipeline(read.pipeline, execute, signal, { parallel: true, reuse: (c) => kept?.get(checkKey(c.stage, c.path[3] as number)) });
  };
  return {
    evaluationFor,
    statusText,
    resultsFor: (uri) => {
      const state = states.get(uri);
      return state ? [...state.outcomes.values()].map(toCheckResult) : undefined;
    },
  };
}
