/**
 * The files a config document points at (configs, data, inputs), with where they are named, for
 * cross-file rules and for go-to-definition. Outputs are not references: the stage creates them.
 */
import * as path from 'node:path';
import type { ConfigDocument, JsonPath } from './model';
import type { ConfigKind } from './kind';

export interface FileReference {
  /** Path of the string value in the document. */
  path: JsonPath;
  /** The text as written. */
  value: string;
  /** The kind of config the file must be, for `training:` / `experiment:` / a PPO `reward_model:`. */
  expectedKind?: ConfigKind;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** True for a relative or absolute file path without expressions, URLs or `~`. */
export function isLocalPath(value: string): boolean {
  return value.length > 0 && !value.includes('${{') && !/^[a-z][a-z0-9+.-]*:\/\//i.test(value) && !value.startsWith('~');
}

/** Strings that are clearly meant as files: ./x, ../x, /x, or a name with a file extension. */
function looksLikeFile(value: string): boolean {
  return /^\.{0,2}\//.test(value) || /\.[A-Za-z0-9]{1,8}(\.gz)?$/.test(value);
}

export function fileReferences(doc: ConfigDocument): FileReference[] {
  const root = record(doc.value) ?? {};
  const out: FileReference[] = [];
  const add = (p: JsonPath, value: unknown, expectedKind?: ConfigKind, onlyIfFileLike = false): void => {
    if (typeof value !== 'string' || !isLocalPath(value)) return;
    if (onlyIfFileLike && !looksLikeFile(value)) return;
    out.push(expectedKind ? { path: p, value, expectedKind } : { path: p, value });
  };
  if (doc.kind === 'Pipeline' && Array.isArray(root['stages'])) {
    root['stages'].forEach((raw, i) => {
      const s = record(raw);
      if (!s) return;
      add(['stages', i, 'training'], s['training'], 'TrainingConfig');
      add(['stages', i, 'experiment'], s['experiment'], 'Experiment');
      for (const [k, v] of Object.entries(record(s['inputs']) ?? {})) add(['stages', i, 'inputs', k], v, undefined, true);
      if (Array.isArray(s['checks'])) {
        s['checks'].forEach((c, k) => {
          const check = record(c);
          if (!check) return;
          add(['stages', i, 'checks', k, 'data'], check['data']);
          add(['stages', i, 'checks', k, 'reference'], check['reference']);
          add(['stages', i, 'checks', k, 'baseline'], check['baseline']);
        });
      }
    });
  } else if (doc.kind === 'Experiment') {
    add(['data'], root['data']);
  } else if (doc.kind === 'axolotl' || doc.kind === 'llamafactory' || doc.kind === 'trl') {
    // Go to definition on the DeepSpeed JSON and on local dataset files (not checked for existence:
    // frameworks resolve them against the launch folder, which may not be this file's).
    add(['deepspeed'], root['deepspeed'], undefined, true);
    if (Array.isArray(root['datasets'])) root['datasets'].forEach((d, i) => add(['datasets', i, 'path'], record(d)?.['path'], undefined, true));
    add(['dataset_name'], root['dataset_name'], undefined, true);
  } else if (doc.kind === 'TrainingConfig') {
    const dataset = record(root['dataset']) ?? {};
    add(['dataset', 'train'], dataset['train']);
    add(['dataset', 'eval'], dataset['eval']);
    const rm = root['reward_model'];
    if (typeof rm === 'string' && /\.ya?ml$/i.test(rm)) add(['reward_model'], rm, 'TrainingConfig');
  }
  return out;
}

/** Absolute path of a reference, relative to the folder of the file that names it. */
export function resolveReference(fromFile: string, value: string): string {
  return path.resolve(path.dirname(fromFile), value);
}
