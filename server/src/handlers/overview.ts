/**
 * `rlhfLens/workspaceOverview` and `rlhfLens/dataFileInfo`: what the RLHF Lens views (Configs, Data
 * Files, Checks) and the training wizard show. Config files are the ones Validate Workspace checks;
 * data files are described with the analyses' own readers; a check's result is the last one the
 * server evaluated (pipelines are evaluated while open). Nothing here runs an analysis.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ServerContext } from '../server-context';
import { DataFileInfoParams, Methods, type DataFileInfo, type OverviewConfig, type OverviewPipeline, type WorkspaceOverview } from '../protocol/lsp';
import { readConfigFile } from '../config/yaml-path';
import { pipelineChecks } from '../engine/checks';
import { lintTargets } from '../workspace/config-files';
import { describeDataFile, listDataFiles } from '../workspace/data-files';
import type { CheckResults } from './checks';
import { pathToUri } from './convert';
import { toResponseError } from './analyze';

function record(v: unknown): Record<string, unknown> {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

export function registerOverview(ctx: ServerContext, checks: CheckResults): void {
  const textOf = (abs: string): string | undefined => {
    const open = ctx.documents.get(pathToUri(abs));
    if (open) return open.getText();
    try {
      return fs.readFileSync(abs, 'utf8');
    } catch {
      return undefined;
    }
  };

  const inWorkspace = (abs: string): boolean => ctx.workspaceFolders.some((f) => abs === f || abs.startsWith(f.endsWith(path.sep) ? f : f + path.sep));

  ctx.connection.onRequest(Methods.workspaceOverview, async (): Promise<WorkspaceOverview> => {
    const configs: OverviewConfig[] = [];
    const pipelines: OverviewPipeline[] = [];
    for (const folder of ctx.workspaceFolders) {
      let files: string[] = [];
      try {
        files = lintTargets(['.'], folder, ctx.project.kindMapFor(path.join(folder, '.rlhf-lens.yaml')));
      } catch (err) {
        ctx.connection.console.warn(`rlhf-lens: cannot list ${folder}: ${(err as Error).message}`);
      }
      for (const rel of files) {
        const abs = path.resolve(folder, rel);
        const text = textOf(abs);
        if (text === undefined) continue;
        const file = ctx.guard(`overview ${abs}`, () => readConfigFile(text, abs, ctx.project.kindMapFor(abs)));
        if (!file) continue;
        const kinds = [...new Set(file.documents.map((d) => d.kind).filter((k): k is NonNullable<typeof k> => !!k))];
        const name = file.documents.map((d) => record(record(d.value)['metadata'])['name']).find((n): n is string => typeof n === 'string');
        configs.push({ path: abs, kinds, ...(name ? { name } : {}) });
        const doc = file.documents.find((d) => d.kind === 'Pipeline');
        if (!doc) continue;
        const results = checks.resultsFor(pathToUri(abs)) ?? [];
        const found = ctx.guard(`checks of ${abs}`, () => pipelineChecks(doc.value, abs)) ?? [];
        pipelines.push({
          path: abs,
          ...(name ? { name } : {}),
          checks: found.map((c) => {
            const checkIndex = c.path[3] as number;
            const result = results.find((r) => r.stageId === c.stage && r.checkIndex === checkIndex);
            return {
              stageId: c.stage,
              checkIndex,
              analysis: c.analysis,
              ...(c.data !== undefined ? { data: c.data } : {}),
              line: doc.keyRange(c.path).start.line,
              ...(c.problem ? { problem: c.problem } : {}),
              ...(result ? { result } : {}),
            };
          }),
        });
      }
    }
    const dataFiles = await listDataFiles(ctx.workspaceFolders);
    return { trusted: ctx.trusted, configs, dataFiles, pipelines };
  });

  ctx.connection.onRequest(Methods.dataFileInfo, async (raw: unknown): Promise<DataFileInfo> => {
    let params: DataFileInfoParams;
    try {
      params = DataFileInfoParams(raw);
    } catch (err) {
      throw toResponseError(err);
    }
    const abs = path.resolve(params.path);
    // Only files of the workspace: the wizard and the views never describe files elsewhere.
    if (!inWorkspace(abs)) throw toResponseError(new Error(`${params.path} is not inside the workspace folders`));
    return describeDataFile(abs);
  });
}
