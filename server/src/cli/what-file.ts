/**
 * Plain words for "this is not the file this command wants": what a YAML file looks like it is
 * (another RLHF Lens kind, a DVC pipeline, a GitHub workflow, another tool's training config) and
 * what was expected instead.
 */
import * as path from 'node:path';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** What `value` (the first YAML document of `file`) is, as a phrase: "an Experiment file (kind: Experiment)". */
export function whatYamlIs(value: unknown, file: string): string {
  if (value === undefined || value === null) return 'empty (no YAML document in it)';
  if (Array.isArray(value)) return 'a YAML list, not a mapping';
  if (!isRecord(value)) return `a single YAML value (${JSON.stringify(value).slice(0, 40)}), not a mapping`;
  const kind = value['kind'];
  if (kind === 'Experiment') return 'an Experiment file (kind: Experiment), whose results "rlhf-lens analyze ab FILE" analyses';
  if (kind === 'TrainingConfig') return 'a training config (kind: TrainingConfig), which "rlhf-lens lint" checks';
  if (typeof kind === 'string') return `a YAML file of kind "${kind.slice(0, 40)}"`;
  const name = path.basename(file);
  const stages = value['stages'];
  if (name === 'dvc.yaml' || (isRecord(stages) && Object.values(stages).some((s) => isRecord(s) && 'cmd' in s))) return 'a DVC pipeline (stages with cmd:), not an RLHF Lens one';
  if ('jobs' in value && ('on' in value || 'true' in value)) return 'a GitHub Actions workflow';
  if (stages !== undefined) return 'a file with stages: but no "kind: Pipeline" line';
  if ('base_model' in value || 'model_name_or_path' in value) return "another tool's training config (axolotl, LLaMA-Factory, TRL: base_model / model_name_or_path)";
  return 'a YAML file without a "kind:"';
}

/** The message of `rlhf-lens check` for a file that is not a Pipeline. */
export function notAPipeline(value: unknown, file: string): string {
  return `is ${whatYamlIs(value, file)}; check runs the quality gates of RLHF Lens pipeline files: YAML with "apiVersion: rlhf-lens/v1", "kind: Pipeline" and stages[].checks`;
}
