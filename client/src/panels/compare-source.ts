/**
 * The run comparison panel's data: `rlhfLens/compareRuns` for the chosen runs (the engine
 * downsamples and smooths), with the step and smoothing the view asks for. Shared by the Runs view
 * (views/runs.ts, on "Compare Runs") and the panel serializer (a comparison restored after a reload).
 */
import type { LanguageClient } from 'vscode-languageclient/node';
import { CompareMethods, CompareSection } from '../../../server/src/protocol/compare';
import type { DashboardSource } from './dashboard-panel';

/** Separates the run paths in a restored descriptor's `runs` (a path never holds a newline). */
export const RUNS_SEPARATOR = '\n';

export function compareSource(client: () => LanguageClient, paths: readonly string[], title: string): DashboardSource {
  return {
    load: async (options) => {
      const section = CompareSection(await client().sendRequest(CompareMethods.compareRuns, { paths, ...(options.step !== undefined ? { step: options.step } : {}), ...(options.smoothing !== undefined ? { smoothing: options.smoothing } : {}) }));
      return { title: `Run comparison: ${title}`, generated_at: new Date().toISOString(), compare: section };
    },
    restore: { kind: 'compare', view: 'compare', file: paths[0] ?? '', runs: paths.join(RUNS_SEPARATOR) },
  };
}
