/** `rlhfLens/analyze`: runs an analysis in the worker (trusted workspaces only), with progress and cancellation. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ResponseError, LSPErrorCodes, type CancellationToken, type WorkDoneProgressReporter } from 'vscode-languageserver/node';
import type { ServerContext } from '../server-context';
import { AnalyzeErrorCodes, AnalyzeParams, FollowTrainingParams, Methods, type AnalyzeResult, type TrainingUpdateParams } from '../protocol/lsp';
import { MessageError } from '../protocol/check';
import { isAnalysisName, analysisNames, OptionError, parseRunOptions, pathOptionValues } from '../engine/options';
import { CancelledError, JobError, StaleError, WorkerCrashError } from '../engine/jobs';
import { IngestError } from '../ingest/rows';
import type { AnalysisService } from '../engine/service';
import { TrainingFollower, type HistoryReader } from '../engine/follow';
import { plural } from '../text/plural';

/** Converts an engine failure into the LSP error the client sees. */
export function toResponseError(err: unknown): ResponseError<void> {
  if (err instanceof ResponseError) return err as ResponseError<void>;
  if (err instanceof CancelledError) return new ResponseError(LSPErrorCodes.RequestCancelled, err.message);
  if (err instanceof StaleError) return new ResponseError(LSPErrorCodes.ContentModified, err.message);
  if (err instanceof WorkerCrashError) return new ResponseError(AnalyzeErrorCodes.workerCrashed, err.message);
  if (err instanceof JobError && err.kind === 'internal') return new ResponseError(AnalyzeErrorCodes.workerCrashed, err.message);
  if (err instanceof JobError || err instanceof IngestError || err instanceof OptionError || err instanceof MessageError) {
    return new ResponseError(AnalyzeErrorCodes.badInput, err.message);
  }
  return new ResponseError(AnalyzeErrorCodes.badInput, (err as Error).message ?? String(err));
}

export function analysisAllowed(ctx: ServerContext): string | undefined {
  if (!ctx.trusted) return 'workspace is not trusted: RLHF Lens runs no analyses in untrusted workspaces';
  if (!ctx.settings.analysisEnabled) return 'analyses are turned off (setting rlhfLens.analysis.enable)';
  return undefined;
}

/** The real path (symlinks followed), or the resolved path of a file that does not exist (yet). */
function realPath(p: string): string {
  try {
    return fs.realpathSync.native(p);
  } catch {
    return path.resolve(p);
  }
}

/**
 * Whether `file` lies inside one of the workspace folders (after following symlinks, so a link in
 * a cloned repository cannot point an analysis at ~/.ssh). A window without folders allows any path.
 */
export function insideWorkspace(ctx: ServerContext, file: string): boolean {
  if (ctx.workspaceFolders.length === 0) return true;
  const target = realPath(file);
  return ctx.workspaceFolders.some((root) => {
    const rel = path.relative(realPath(root), target);
    return rel === '' || (rel.split(path.sep)[0] !== '..' && !path.isAbsolute(rel));
  });
}

function refuseOutsideWorkspace(ctx: ServerContext, files: (string | undefined)[]): void {
  for (const file of files) {
    if (file !== undefined && !insideWorkspace(ctx, file)) throw new ResponseError(AnalyzeErrorCodes.notAllowed, `${file} is outside the workspace folders: RLHF Lens reads data only inside them`);
  }
}

/** An AbortSignal that fires when the LSP request is cancelled. */
export function abortOn(token: CancellationToken): AbortSignal {
  const controller = new AbortController();
  if (token.isCancellationRequested) controller.abort();
  else token.onCancellationRequested(() => controller.abort());
  return controller.signal;
}

/** The client's progress token if it sent one, else a server-initiated progress (if the client supports it). */
export async function progressReporter(ctx: ServerContext, workDoneToken: unknown): Promise<WorkDoneProgressReporter | undefined> {
  try {
    if (typeof workDoneToken === 'string' || typeof workDoneToken === 'number') return ctx.connection.window.attachWorkDoneProgress(workDoneToken);
    return await ctx.connection.window.createWorkDoneProgress();
  } catch {
    // The client does not support server-initiated progress: run without it.
    return undefined;
  }
}

export function registerAnalyze(ctx: ServerContext, service: AnalysisService): void {
  ctx.connection.onRequest(Methods.analyze, async (raw: unknown, token: CancellationToken): Promise<AnalyzeResult> => {
    let params: AnalyzeParams;
    try {
      params = AnalyzeParams(raw);
    } catch (err) {
      throw toResponseError(err);
    }
    const denied = analysisAllowed(ctx);
    if (denied) throw new ResponseError(AnalyzeErrorCodes.notAllowed, denied);
    if (!isAnalysisName(params.analysis)) throw new ResponseError(AnalyzeErrorCodes.badInput, `unknown analysis "${params.analysis}" (one of ${analysisNames().join(', ')})`);
    if (!path.isAbsolute(params.path)) throw new ResponseError(AnalyzeErrorCodes.badInput, `path must be absolute (got "${params.path}")`);
    refuseOutsideWorkspace(ctx, [params.path]);
    const title = `RLHF Lens: ${params.analysis} of ${path.basename(params.path)}`;
    const progress = await progressReporter(ctx, params.workDoneToken);
    progress?.begin(title, undefined, 'starting', true);
    try {
      const options = parseRunOptions(params.options, path.dirname(params.path), params.analysis);
      refuseOutsideWorkspace(ctx, pathOptionValues(params.analysis, options));
      const response = await service.analyze(
        { analysis: params.analysis, file: params.path, options },
        { signal: abortOn(token), onProgress: (rows) => progress?.report(`${plural(rows, 'row', { format: (n) => n.toLocaleString('en-US') })} read`) },
      );
      return response;
    } catch (err) {
      throw toResponseError(err);
    } finally {
      progress?.done();
    }
  });
}

/**
 * `rlhfLens/followTraining` / `unfollowTraining`: a followed log pushes `rlhfLens/trainingUpdate`
 * notifications with the points written since (trusted workspaces only).
 */
export function registerFollow(ctx: ServerContext, historyReader: () => HistoryReader): void {
  const followers = new Map<string, TrainingFollower>();
  const params = (raw: unknown): FollowTrainingParams => {
    try {
      const p = FollowTrainingParams(raw);
      if (!path.isAbsolute(p.path)) throw new MessageError(`path must be absolute (got "${p.path}")`);
      return p;
    } catch (err) {
      throw toResponseError(err);
    }
  };
  ctx.connection.onRequest(Methods.followTraining, async (raw: unknown): Promise<{ following: boolean }> => {
    const { path: file } = params(raw);
    const denied = analysisAllowed(ctx);
    if (denied) throw new ResponseError(AnalyzeErrorCodes.notAllowed, denied);
    refuseOutsideWorkspace(ctx, [file]);
    if (followers.has(file)) return { following: true };
    const follower = new TrainingFollower(
      file,
      (u) => void ctx.connection.sendNotification(Methods.trainingUpdate, { path: file, ...u } satisfies TrainingUpdateParams),
      (message) => ctx.connection.console.warn(`rlhf-lens: following ${message}`),
      historyReader(),
    );
    followers.set(file, follower);
    try {
      // A trainer_state.json's entries already there are counted in a worker before this answers.
      await follower.start();
    } catch (err) {
      follower.stop();
      followers.delete(file);
      throw new ResponseError(AnalyzeErrorCodes.badInput, `${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
    }
    return { following: true };
  });
  ctx.connection.onRequest(Methods.unfollowTraining, (raw: unknown): { following: boolean } => {
    const { path: file } = params(raw);
    followers.get(file)?.stop();
    followers.delete(file);
    return { following: false };
  });
}
