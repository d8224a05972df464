/**
 * GPUs offered by "Declare Your Hardware" and the training wizard, and the `.rlhf-lens.yaml`
 * `hardware:` entry they write (`{gpus, gpu_memory, gpu}`, the profile framework-config rules read).
 * Pure: the text edit is computed here, the client writes it.
 */
import { parseDocument } from 'yaml';

export interface GpuChoice {
  gpu: string;
  memory: string;
}

/** Common training GPUs with the memory of their usual variant. */
export const GPU_CHOICES: readonly GpuChoice[] = [
  { gpu: 'H100', memory: '80GB' },
  { gpu: 'H200', memory: '141GB' },
  { gpu: 'A100', memory: '80GB' },
  { gpu: 'A100', memory: '40GB' },
  { gpu: 'L40S', memory: '48GB' },
  { gpu: 'A10G', memory: '24GB' },
  { gpu: 'L4', memory: '24GB' },
  { gpu: 'RTX 4090', memory: '24GB' },
  { gpu: 'V100', memory: '32GB' },
  { gpu: 'T4', memory: '16GB' },
];

export interface HardwareProfile {
  gpus: number;
  gpu_memory: string;
  gpu: string;
}

/**
 * `.rlhf-lens.yaml` with its `hardware:` set to `hw`, keeping every other key and comment. A file
 * that is not a YAML mapping is refused (the caller says so rather than overwrite it).
 */
export function withHardware(existing: string | undefined, hw: HardwareProfile): string {
  const doc = parseDocument(existing ?? '');
  if (doc.errors.length) throw new Error(`it is not valid YAML (${doc.errors[0]!.message.split('\n')[0]})`);
  if (doc.contents !== null && !(doc.contents && typeof doc.contents === 'object' && 'items' in doc.contents && !Array.isArray(doc.toJS()))) {
    throw new Error('its top level is not a mapping');
  }
  const node = doc.createNode({ gpus: hw.gpus, gpu_memory: hw.gpu_memory, gpu: hw.gpu });
  node.flow = true;
  if (doc.contents === null) {
    const header = '# RLHF Lens project settings (docs/settings.md): rule severities, file kinds, hardware.\n';
    return `${header}hardware: {gpus: ${hw.gpus}, gpu_memory: ${hw.gpu_memory}, gpu: ${hw.gpu}}\n`;
  }
  doc.set('hardware', node);
  return doc.toString();
}
