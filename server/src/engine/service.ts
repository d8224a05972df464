/**
 * The language server's analysis engine: the cache (store) in front of the worker jobs. Handlers
 * (analyze, checks) share one service so identical requests from both are computed once.
 */
import * as path from 'node:path';
import { analyzeWithCache, requestKey, type AnalyzeRequest, type AnalyzeResponse } from './analyze';
import { JobRunner, type JobHooks } from './jobs';
import { Store } from './store';
import { recordCheckOutcomes } from './check-history';
import type { CheckOutcome } from './checks';

export interface AnalysisServiceOptions {
  workerFile: string;
  maxWorkers?: number;
  execArgv?: string[];
  /** Connection credentials from the editor's SecretStorage (connections/secrets.ts). */
  secrets?: () => Record<string, string>;
  /** Reports a database that had to be set aside (shown to the user once). */
  onRecovered?: (file: string, aside: string) => void;
  /** Reports a database write that failed (disk full): results stay in memory until a write succeeds. */
  onSaveFailed?: (file: string, message: string) => void;
}

export class AnalysisService {
  readonly jobs: JobRunner;
  private storePromise: Promise<Store> | undefined;
  /** Folder for the database (the extension's storage); in memory when unset. */
  storagePath: string | undefined;

  constructor(private readonly options: AnalysisServiceOptions) {
    this.jobs = new JobRunner({ workerFile: options.workerFile, maxWorkers: options.maxWorkers ?? 2, execArgv: options.execArgv ?? [], ...(options.secrets ? { secrets: options.secrets } : {}) });
  }

  private store(): Promise<Store> {
    this.storePromise ??= Store.open(this.storagePath ? path.join(this.storagePath, 'rlhf-lens.sqlite') : undefined).then((s) => {
      if (s.recovered && s.file) this.options.onRecovered?.(s.file, s.recovered);
      s.onSaveFailed = this.options.onSaveFailed;
      return s;
    });
    return this.storePromise;
  }

  async analyze(request: AnalyzeRequest, hooks: JobHooks = {}): Promise<AnalyzeResponse> {
    const store = await this.store();
    const key = await requestKey(request);
    return analyzeWithCache(request, (req) => this.jobs.run(req, key, hooks), store, key);
  }

  /** Keeps a pipeline's check outcomes in the store (engine/check-history.ts). */
  async recordChecks(pipelineFile: string, outcomes: readonly CheckOutcome[]): Promise<void> {
    await recordCheckOutcomes(await this.store(), pipelineFile, outcomes);
  }

  /** Stops every worker; resolves when they have exited (the LSP shutdown answers after that). */
  dispose(): Promise<void> {
    return this.jobs.dispose();
  }
}
