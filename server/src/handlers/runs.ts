/** `rlhfLens/listRuns` (the Runs view) and `rlhfLens/compareRuns` (the comparison view): trusted workspaces only, paths inside the workspace. */
import * as path from 'node:path';
import { ResponseError, type CancellationToken } from 'vscode-languageserver/node';
import type { ServerContext } from '../server-context';
import { AnalyzeErrorCodes } from '../protocol/lsp';
import { CompareMethods, CompareRunsParams, ListRunsParams, type CompareSection, type ListRunsResult } from '../protocol/compare';
import { compareView, listRuns } from '../engine/runs';
import { analysisAllowed, insideWorkspace, toResponseError } from './analyze';

export function registerRuns(ctx: ServerContext): void {
  const guard = (paths: string[]) => {
    const denied = analysisAllowed(ctx);
    if (denied) throw new ResponseError(AnalyzeErrorCodes.notAllowed, denied);
    for (const p of paths) {
      if (!path.isAbsolute(p)) throw new ResponseError(AnalyzeErrorCodes.badInput, `path must be absolute (got "${p}")`);
      if (!insideWorkspace(ctx, p)) throw new ResponseError(AnalyzeErrorCodes.notAllowed, `${p} is outside the workspace folders: RLHF Lens reads data only inside them`);
    }
  };
  ctx.connection.onRequest(CompareMethods.compareRuns, async (raw: unknown, _token: CancellationToken): Promise<CompareSection> => {
    try {
      const params = CompareRunsParams(raw);
      if (params.paths.length === 0) throw new ResponseError(AnalyzeErrorCodes.badInput, 'compareRuns needs at least one run path');
      guard(params.paths);
      return await compareView(params.paths, {
        ...(params.step !== undefined ? { step: params.step } : {}),
        ...(params.smoothing !== undefined ? { smoothing: params.smoothing } : {}),
        ...(params.max_points !== undefined ? { maxPoints: params.max_points } : {}),
      });
    } catch (err) {
      throw toResponseError(err);
    }
  });
  ctx.connection.onRequest(CompareMethods.listRuns, async (raw: unknown): Promise<ListRunsResult> => {
    try {
      const params = ListRunsParams(raw ?? {});
      const folders = params.folders ?? ctx.workspaceFolders;
      guard(folders);
      return { runs: await listRuns(folders) };
    } catch (err) {
      throw toResponseError(err);
    }
  });
}
