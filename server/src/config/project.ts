/**
 * Project settings rules may read, from `.rlhf-lens.yaml` (loaded in workspace/rule-settings.ts) and a
 * file's modeline. Pure data: no I/O here.
 */

/** The hardware a run gets, as declared once for the project (`hardware:`) or per file on its modeline. */
export interface HardwareProfile {
  gpus?: number;
  /** Memory of one GPU, as written (`80GB`, `24Gi`). */
  gpu_memory?: string;
  /** GPU model (`A100`, `H100`, `RTX 4090`, `V100`, `T4`, ...). */
  gpu?: string;
  /** Where it was declared, for messages. */
  source?: string;
}

export interface ProjectSettings {
  hardware?: HardwareProfile;
}

export const NO_PROJECT: ProjectSettings = {};
