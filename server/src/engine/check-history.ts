/**
 * Check history: every evaluated pipeline check is kept in the store (table check_results) with
 * the content hash of the files it read (data, reference, baseline; a run folder by its log) and
 * the hash of its configuration, so a run's verdicts can be set beside the runs before it. An
 * unchanged check on unchanged files is not recorded twice.
 */
import * as path from 'node:path';
import { checkStatus, type CheckOutcome } from './checks';
import { contentHash, textHash } from './hash';
import { findRunLog } from './runs';
import type { Store } from './store';

/** The file a check reads for a path: a training run folder is its log, anything else itself. */
function readFile(analysis: string, p: string): string {
  if (analysis !== 'training') return p;
  try {
    return findRunLog(p).log;
  } catch {
    return p;
  }
}

/** Records the outcomes that have a verdict or an error (not deferred, cancelled or superseded). Returns how many rows were added. */
export async function recordCheckOutcomes(store: Store, pipelineFile: string, outcomes: readonly CheckOutcome[]): Promise<number> {
  let added = 0;
  for (const o of outcomes) {
    const status = checkStatus(o);
    if (status === 'deferred' || o.errorKind === 'invalid' || o.errorKind === 'cancelled' || o.errorKind === 'stale') continue;
    const c = o.check;
    const files = [c.dataFile, c.referenceFile, c.baselineFile].filter((f): f is string => !!f).map((f) => readFile(c.analysis, f));
    let inputHash: string;
    try {
      inputHash = files.length ? await contentHash(files) : textHash(JSON.stringify(c.source ?? null));
    } catch {
      continue; // a file missing: the outcome's error says so; there is nothing to hash
    }
    const config = JSON.stringify({ analysis: c.analysis, data: c.data ?? null, source: c.source ?? null, baseline: c.baseline ?? null, reference: c.referenceFile ? path.relative(path.dirname(pipelineFile), c.referenceFile) : null, options: c.options, asserts: c.asserts });
    const recorded = store.putCheckResult({
      pipeline: pipelineFile,
      stage: c.stage,
      checkIndex: c.path[3] as number,
      analysis: c.analysis,
      inputHash,
      configHash: textHash(config),
      status,
      verdicts: o.error ? [...o.verdicts, { error: o.error }] : o.verdicts,
    });
    if (recorded) added++;
  }
  return added;
}
