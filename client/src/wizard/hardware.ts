/**
 * GPUs offered by "Declare Your Hardware" and the training wizard, and the `.rlhf-lens.yaml`
 * `hardware:` entry they write (`{gpus, gpu_memory, gpu}`, the profile framework-config rules read);
 * the server computes the new `.rlhf-lens.yaml` text (config/project-hardware.ts).
 */
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

