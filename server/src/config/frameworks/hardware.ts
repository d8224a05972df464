/**
 * The declared hardware profile (`hardware: {gpus, gpu_memory, gpu}` in `.rlhf-lens.yaml`, or
 * `gpus=8 gpu_memory=80GB gpu=A100` on a file's modeline) and what each GPU model supports.
 */
import { parseGpuMemory, GiB } from '../estimates/memory';
import { readModeline } from '../kind';
import type { HardwareProfile } from '../project';

export interface GpuModel {
  name: string;
  /** CUDA compute capability major.minor (bf16, tf32 and FlashAttention-2 need 8.0). */
  compute: number;
  /** Memory of the common variant, when the profile does not give one. */
  memoryGiB: number;
}

/** Ordered: more specific names first. Compute capabilities from NVIDIA's CUDA GPUs table. */
const GPUS: { match: RegExp; gpu: GpuModel }[] = [
  { match: /\bb200\b/, gpu: { name: 'B200', compute: 10.0, memoryGiB: 180 } },
  { match: /\bh200\b/, gpu: { name: 'H200', compute: 9.0, memoryGiB: 141 } },
  { match: /\bh100\b/, gpu: { name: 'H100', compute: 9.0, memoryGiB: 80 } },
  { match: /\bgh200\b/, gpu: { name: 'GH200', compute: 9.0, memoryGiB: 96 } },
  { match: /\bl40s?\b/, gpu: { name: 'L40', compute: 8.9, memoryGiB: 48 } },
  { match: /\bl4\b/, gpu: { name: 'L4', compute: 8.9, memoryGiB: 24 } },
  { match: /\b(rtx[- ]?)?4090\b/, gpu: { name: 'RTX 4090', compute: 8.9, memoryGiB: 24 } },
  { match: /\b(rtx[- ]?)?6000[- ]?ada\b/, gpu: { name: 'RTX 6000 Ada', compute: 8.9, memoryGiB: 48 } },
  { match: /\ba100\b/, gpu: { name: 'A100', compute: 8.0, memoryGiB: 80 } },
  { match: /\ba800\b/, gpu: { name: 'A800', compute: 8.0, memoryGiB: 80 } },
  { match: /\ba6000\b/, gpu: { name: 'RTX A6000', compute: 8.6, memoryGiB: 48 } },
  { match: /\ba10g?\b/, gpu: { name: 'A10', compute: 8.6, memoryGiB: 24 } },
  { match: /\b(rtx[- ]?)?3090\b/, gpu: { name: 'RTX 3090', compute: 8.6, memoryGiB: 24 } },
  { match: /\bv100\b/, gpu: { name: 'V100', compute: 7.0, memoryGiB: 32 } },
  { match: /\bt4\b/, gpu: { name: 'T4', compute: 7.5, memoryGiB: 16 } },
  { match: /\b(rtx[- ]?)?2080\b/, gpu: { name: 'RTX 2080 Ti', compute: 7.5, memoryGiB: 11 } },
  { match: /\bp100\b/, gpu: { name: 'P100', compute: 6.0, memoryGiB: 16 } },
];

export function gpuModel(name: string | undefined): GpuModel | undefined {
  if (!name) return undefined;
  const n = name.toLowerCase().replace(/[_]/g, '-');
  return GPUS.find((g) => g.match.test(n))?.gpu;
}

/** Bytes of one GPU: the declared `gpu_memory`, else the GPU model's usual size, else undefined. */
export function gpuMemoryBytes(hw: HardwareProfile | undefined): number | undefined {
  if (!hw) return undefined;
  const declared = parseGpuMemory(hw.gpu_memory);
  if (declared !== undefined) return declared;
  const model = gpuModel(hw.gpu);
  return model ? model.memoryGiB * GiB : undefined;
}

/** Reads a `hardware:` value; bad entries are dropped with a problem, never fatal. */
export function parseHardware(value: unknown, where: string): { hardware?: HardwareProfile; problems: string[] } {
  const problems: string[] = [];
  if (!value || typeof value !== 'object' || Array.isArray(value)) return { problems: [`${where} must be a mapping such as {gpus: 8, gpu_memory: 80GB, gpu: A100}; ignored.`] };
  const v = value as Record<string, unknown>;
  const hw: HardwareProfile = { source: where };
  for (const key of Object.keys(v)) if (!['gpus', 'gpu_memory', 'gpu', 'gpu_type'].includes(key)) problems.push(`${where}: unknown key "${key}" (use gpus, gpu_memory, gpu).`);
  if (v['gpus'] !== undefined) {
    const n = typeof v['gpus'] === 'string' ? Number(v['gpus']) : v['gpus'];
    if (typeof n === 'number' && Number.isInteger(n) && n >= 1) hw.gpus = n;
    else problems.push(`${where}: gpus must be a whole number >= 1, not ${JSON.stringify(v['gpus'])}.`);
  }
  if (v['gpu_memory'] !== undefined) {
    if (parseGpuMemory(v['gpu_memory']) !== undefined) hw.gpu_memory = String(v['gpu_memory']);
    else problems.push(`${where}: gpu_memory must be a quantity such as 80GB or 24Gi, not ${JSON.stringify(v['gpu_memory'])}.`);
  }
  const gpu = v['gpu'] ?? v['gpu_type'];
  if (gpu !== undefined) {
    if (typeof gpu === 'string' && gpu.trim()) hw.gpu = gpu.trim();
    else problems.push(`${where}: gpu must be a GPU model name such as A100.`);
  }
  return { hardware: hw, problems };
}

/** The project's hardware with the file's modeline (`gpus=2 gpu=A100 gpu_memory=40GB`) applied on top. */
export function effectiveHardware(project: HardwareProfile | undefined, text: string): HardwareProfile | undefined {
  const m = readModeline(text);
  const s = m?.settings ?? {};
  const keys = ['gpus', 'gpu_memory', 'gpu', 'gpu_type'].filter((k) => s[k] !== undefined);
  if (keys.length === 0) return project;
  const raw: Record<string, unknown> = {};
  for (const k of keys) raw[k] = k === 'gpus' ? Number(s[k]) : s[k];
  const parsed = parseHardware(raw, 'modeline').hardware ?? {};
  return { ...(project ?? {}), ...parsed, source: project ? `${project.source ?? 'project'} + modeline` : 'modeline' };
}
