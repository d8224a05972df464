/**
 * `rlhfLens/dashboard`: the data of a dashboard, computed here (trusted workspaces only) so the
 * extension host only forwards it to the panel. A pipeline's dashboard is assembled from the
 * evaluation the checks handler keeps for the open document (checks not yet evaluated on this
 * text run now, through the same cached worker jobs); a re-bin answers the calibration section
 * alone. I/O here: the pipeline file when it is not open, the Experiment of an A/B check and
 * trainer_state.json's header (report/dashboard-data.ts readers).
 */
import * as path from 'node:path';
import { ResponseError, type CancellationToken } from 'vscode-languageserver/node';
import type { ServerContext } from '../server-context';
import { AnalyzeErrorCodes, DashboardParams, Methods, type DashboardResult } from '../protocol/lsp';
import type { AnalysisService } from '../engine/service';
import type { Execute, PipelineEvaluation } from '../engine/checks';
import { parseRunOptions, pathOptionValues } from '../engine/options';
import { readExperiment } from '../engine/experiment';
import { calibrationSection, dashboardData, dashboardExtras, trainerProgress } from '../report/dashboard-data';
import { siblingComparison } from '../engine/runs';
import type { TrainingResult } from '../analysis/types';
import { singleAnalysis, singleDashboard, type SingleKind } from '../report/single';
import { abortOn, analysisAllowed, insideWorkspace, toResponseError } from './analyze';
import { uriToPath } from './convert';

export interface EvaluationSource {
  /** The evaluation of a pipeline's checks on its current text (open buffer, else the file). */
  evaluationFor(uri: string, signal?: AbortSignal): Promise<PipelineEvaluation>;
}

export function registerDashboard(ctx: ServerContext, service: AnalysisService, checks: EvaluationSource): void {
  const execute: Execute = (request, signal) => service.analyze(request, signal ? { signal } : {});
  // Paths are shown relative to the workspace folder holding the file (as VS Code's asRelativePath does).
  const displayRoot = (file: string): string =>
    ctx.workspaceFolders.find((root) => {
      const rel = path.relative(root, file);
      return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
    }) ?? path.dirname(file);
  const refuseOutside = (files: (string | undefined)[]): void => {
    for (const f of files) if (f !== undefined && !insideWorkspace(ctx, f)) throw new ResponseError(AnalyzeErrorCodes.notAllowed, `${f} is outside the workspace folders: RLHF Lens reads data only inside them`);
  };

  ctx.connection.onRequest(Methods.dashboard, async (raw: unknown, token: CancellationToken): Promise<DashboardResult> => {
    let params: DashboardParams;
    try {
      params = DashboardParams(raw);
    } catch (err) {
      throw toResponseError(err);
    }
    const denied = analysisAllowed(ctx);
    if (denied) throw new ResponseError(AnalyzeErrorCodes.notAllowed, denied);
    const file = uriToPath(params.uri);
    refuseOutside([file, params.reference]);
    const signal = abortOn(token);
    const bins = params.bins;
    try {
      if ((params.kind ?? 'pipeline') === 'pipeline') {
        const evaluation = await checks.evaluationFor(params.uri, signal);
        if (params.section === 'calibration') {
          const calibration = await calibrationSection(evaluation, execute, bins, displayRoot(file));
          return calibration ? { calibration } : {};
        }
        const extras = await dashboardExtras(evaluation, execute, { ...(bins !== undefined ? { bins } : {}), compareRuns: (log) => siblingComparison(log) });
        return dashboardData(evaluation, extras, { displayRoot: displayRoot(file) });
      }
      const req = {
        kind: params.kind as SingleKind,
        file,
        ...(bins !== undefined ? { bins } : {}),
        ...(params.reference ? { reference: params.reference } : {}),
        ...(params.column ? { column: params.column } : {}),
        ...(params.group_by ? { group_by: params.group_by } : {}),
      };
      const { analysis, options: raw } = singleAnalysis(req);
      const options = parseRunOptions(raw, path.dirname(file), analysis);
      refuseOutside(pathOptionValues(analysis, options));
      const r = await service.analyze({ analysis, file, options }, { signal });
      const data = singleDashboard(req, r, {
        displayRoot: displayRoot(file),
        now: new Date(),
        ...(req.kind === 'ab' ? { experiment: readExperiment(file) } : {}),
        ...(req.kind === 'training' ? { trainer: trainerProgress(file, (r.result as unknown as TrainingResult).steps, (r.result as unknown as TrainingResult).progress, (r.result as unknown as TrainingResult).metrics['epoch']) } : {}),
      });
      return params.section === 'calibration' ? { calibration: data.calibration! } : data;
    } catch (err) {
      throw toResponseError(err);
    }
  });
}
