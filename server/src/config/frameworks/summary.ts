/**
 * The hover on a framework config's base model: per-GPU memory breakdown, tokens and sequences per
 * optimizer step, steps per epoch (when the dataset is a local file whose rows can be counted), on the
 * declared hardware or, without any, on one GPU and not judged. Pure: facts and hardware come in.
 */
import { plural } from '../../text/plural';
import * as path from 'node:path';
import type { ConfigDocument } from '../model';
import type { WorkspaceFacts } from '../workspace-facts';
import type { HardwareProfile } from '../project';
import { breakdownParts, formatBytes } from '../estimates/memory';
import { frameworkFacts } from './facts';
import { estimateFramework } from './estimate';
import { gpuMemoryBytes } from './hardware';
import { pinnedVersion } from './schemas';
import { isFrameworkKind } from '../kind';

const fmt = (n: number): string => n.toLocaleString('en-US');

export function frameworkSummary(doc: ConfigDocument, facts: WorkspaceFacts, filePath: string, hardware: HardwareProfile | undefined): string | undefined {
  if (!isFrameworkKind(doc.kind) || doc.kind === 'deepspeed') return undefined;
  const f = frameworkFacts(doc);
  if (!f?.baseModel) return undefined;
  const est = estimateFramework(f, hardware, filePath, facts);
  if (!est) return `**${f.baseModel.value}**: no known model family or size in the name, so no memory estimate (${pinnedVersion(doc.kind)}).`;
  const m = est.setup.model;
  const lines: string[] = [];
  lines.push(`**${m.name}**${m.generic ? ' (shape guessed from the size in the name)' : ''}: ${(m.params / 1e9).toFixed(2)}B parameters, ${est.setup.lora ? `LoRA rank ${est.setup.lora.rank}${est.setup.quantization ? `, base in ${est.setup.quantization.bits}-bit` : ''}` : 'full fine-tuning'}, ${f.methodName ?? f.method.value}.`);
  const cap = gpuMemoryBytes(hardware);
  const where = hardware?.gpus || hardware?.gpu ? `${hardware.gpus ?? 1} x ${hardware.gpu ?? 'GPU'}${hardware.source ? ` (${hardware.source})` : ''}` : '1 GPU, no hardware declared (not judged; declare `hardware:` in .rlhf-lens.yaml)';
  lines.push(`**Estimated peak memory per GPU:** ${formatBytes(est.memory.total)} on ${where}${cap !== undefined ? ` of ${formatBytes(cap)}: ${est.memory.total > cap ? `**does not fit**, over by ${formatBytes(est.memory.total - cap)}` : `fits, ${formatBytes(cap - est.memory.total)} to spare`}` : ''}`);
  for (const [part, bytes] of breakdownParts(est.memory)) if (bytes > 0) lines.push(`- ${part}: ${formatBytes(bytes)}`);
  lines.push(`**Tokens per step (at most):** ${fmt(est.tokensPerStep)} (${fmt(est.setup.batchSize)} per GPU x ${fmt(est.sequencesPerStep / est.setup.batchSize / est.gpus)} accumulation x ${plural(est.gpus, 'GPU')} x ${fmt(est.setup.maxSeqLength)} tokens${f.samplePacking?.value ? ', packed: close to this' : ', padded sequences are often shorter'})`);
  // Steps per epoch: only a local dataset file has a row count we can read.
  let rows = 0;
  let counted = 0;
  for (const d of f.datasets) {
    if (!d.name || !/\.(jsonl|json|csv|tsv)(\.gz)?$/i.test(d.name)) continue;
    const s = facts.dataSample(path.resolve(path.dirname(filePath), d.name));
    if (s?.rowCount !== undefined) {
      rows += s.rowCount;
      counted++;
    }
  }
  if (counted && counted === f.datasets.length) {
    lines.push(`**Steps per epoch:** ${fmt(Math.ceil(rows / est.sequencesPerStep))} (${fmt(rows)} rows / ${fmt(est.sequencesPerStep)} sequences per step)${f.epochs ? `, ${fmt(Math.ceil((rows / est.sequencesPerStep) * f.epochs.value))} steps for ${plural(f.epochs.value, 'epoch')}` : ''}`);
  } else {
    lines.push(`**Steps per epoch:** rows / ${fmt(est.sequencesPerStep)} sequences per step (the dataset is not a local file whose rows can be counted)`);
  }
  for (const n of est.memory.notes) lines.push(`- ${n}`);
  if (est.defaulted.length) lines.push(`_Defaults of ${pinnedVersion(doc.kind)} assumed: ${est.defaulted.join(', ')}._`);
  return lines.map((l, i) => (i > 0 && !l.startsWith('- ') ? `\n${l}` : l)).join('\n');
}
