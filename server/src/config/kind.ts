/** Which of the three config kinds a file is, from its name or, failing that, its content. */
export type ConfigKind = 'Pipeline' | 'Experiment' | 'TrainingConfig';

export const KINDS: readonly ConfigKind[] = ['Pipeline', 'Experiment', 'TrainingConfig'];

export const LANGUAGE_IDS: Record<ConfigKind, string> = {
  Pipeline: 'rlhf-pipeline',
  Experiment: 'rlhf-experiment',
  TrainingConfig: 'rlhf-training',
};

const SUFFIX: [RegExp, ConfigKind][] = [
  [/\.pipeline\.ya?ml$/i, 'Pipeline'],
  [/\.experiment\.ya?ml$/i, 'Experiment'],
  [/\.training\.ya?ml$/i, 'TrainingConfig'],
];

export function kindFromPath(path: string): ConfigKind | undefined {
  for (const [re, kind] of SUFFIX) if (re.test(path)) return kind;
  return undefined;
}

const API_VERSION_RE = /^apiVersion:\s*["']?rlhf-lens\//m;

/** True when a YAML text declares itself an RLHF Lens document (any document of the file). */
export function looksLikeRlhfLens(text: string): boolean {
  return API_VERSION_RE.test(text.slice(0, 64 * 1024));
}

/** True when the file should be checked: by its name, or by an `apiVersion: rlhf-lens/...` line. */
export function isConfigFile(path: string, text: string): boolean {
  return kindFromPath(path) !== undefined || (/\.ya?ml$/i.test(path) && looksLikeRlhfLens(text));
}
