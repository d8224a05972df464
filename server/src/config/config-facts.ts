/**
 * The figures the engine knows about one config document, as labelled facts for the chat
 * participant: the TrainingConfig hover's numbers (effective batch, tokens, steps, per-GPU memory
 * and its parts) and the Experiment's sample size. Pure: the same estimators as the hover.
 */
import type { ConfigDocument } from './model';
import type { WorkspaceFacts } from './workspace-facts';
import { breakdownParts, estimatePeakMemory, formatBytes, parseGpuMemory } from './estimates/memory';
import { trainingSetupFromConfig } from './estimates/training-setup';
import { experimentSummary, trainingSummary } from './estimates/summaries';
import type { ChatFact } from '../protocol/lsp';
import { plural } from '../text/plural';

const strip = (md: string): string => md.replace(/\*\*/g, '').replace(/_/g, '').replace(/^- /, '').trim();

export function configFacts(doc: ConfigDocument, facts: WorkspaceFacts, filePath: string, source: string): ChatFact[] {
  const out: ChatFact[] = [];
  const v = (doc.value ?? {}) as Record<string, unknown>;
  const name = (v['metadata'] as Record<string, unknown> | undefined)?.['name'];
  out.push({ topic: 'config', label: 'kind', value: `${doc.kind ?? 'unknown'}${typeof name === 'string' ? ` "${name}"` : ''}`, source });
  if (doc.kind === 'TrainingConfig') {
    for (const key of ['method', 'base_model'] as const) if (typeof v[key] === 'string') out.push({ topic: 'config', label: key, value: v[key] as string, source });
    const read = trainingSetupFromConfig(v);
    if (read) {
      const b = estimatePeakMemory(read.setup);
      const limit = parseGpuMemory((v['hardware'] as Record<string, unknown> | undefined)?.['gpu_memory']);
      out.push({ topic: 'memory', label: 'estimated peak memory per GPU', value: `${formatBytes(b.total)} (${read.setup.model.name}, ${plural(read.setup.gpus, 'GPU')})`, source });
      if (limit !== undefined) out.push({ topic: 'memory', label: 'GPU memory', value: `${formatBytes(limit)}: ${b.total > limit ? `does not fit, over by ${formatBytes(b.total - limit)}` : `fits, ${formatBytes(limit - b.total)} to spare`}`, source });
      for (const [part, bytes] of breakdownParts(b)) if (bytes > 0) out.push({ topic: 'memory', label: `memory: ${part}`, value: formatBytes(bytes), source });
      for (const note of b.notes) out.push({ topic: 'memory', label: 'estimate note', value: note, source });
      if (read.defaulted.length) out.push({ topic: 'memory', label: 'assumed defaults', value: read.defaulted.join(', '), source });
    }
    for (const line of trainingSummary(v, facts, filePath)) {
      const m = /^\*\*(Effective batch size|Tokens per step \(at most\)|Optimizer steps):\*\* (.*)$/.exec(line);
      if (m) out.push({ topic: 'memory', label: m[1]!.toLowerCase(), value: strip(m[2]!), source });
    }
  }
  if (doc.kind === 'Experiment') {
    const s = experimentSummary(v);
    if (s) out.push({ topic: 'ab', label: 'planned sample size', value: strip(s.split('\n')[0]!), source });
  }
  return out;
}
