/**
 * MLflow file-store runs: `<run>/metrics/<name>` files of `timestamp value step` lines, plus
 * `params/<name>`, `tags/<name>` and `meta.yaml`. Accepts a run folder, or an experiment folder
 * (or an `mlruns` store) with its runs: one run is read as such; of several, the one named by
 * `run` (its run id, a unique prefix of it, or its run name: CLI `--run`), and none without it,
 * with a message listing them. Runs marked deleted (lifecycle_stage: deleted) are not listed.
 * Metric names may contain `/` (nested files under metrics/).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { IngestError, type SkipLog, type SourceRow } from './rows';

export interface MlflowRun {
  dir: string;
  runId: string;
  name: string;
  params: Record<string, string>;
  tags: Record<string, string>;
  metricFiles: { name: string; file: string }[];
}

function isRunDir(dir: string): boolean {
  return fs.existsSync(path.join(dir, 'metrics')) && fs.statSync(path.join(dir, 'metrics')).isDirectory();
}

function listFiles(dir: string, prefix = ''): { name: string; file: string }[] {
  if (!fs.existsSync(dir)) return [];
  const out: { name: string; file: string }[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const file = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...listFiles(file, `${prefix}${e.name}/`));
    else if (e.isFile()) out.push({ name: prefix + e.name, file });
  }
  return out;
}

function readSmallFiles(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { name, file } of listFiles(dir)) out[name] = fs.readFileSync(file, 'utf8').slice(0, 64 * 1024).trim();
  return out;
}

/** The run folders under `dir` (a run, an experiment, or an mlruns root), at most three levels down. */
function findRuns(dir: string, depth = 0): string[] {
  if (isRunDir(dir)) return [dir];
  if (depth >= 3) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('.') && e.name !== '.trash')
    .flatMap((e) => findRuns(path.join(dir, e.name), depth + 1));
}

export function looksLikeMlflow(dir: string): boolean {
  try {
    return findRuns(dir).length > 0;
  } catch {
    return false;
  }
}

/** meta.yaml is flat `key: value`; a full YAML parse is not needed for the few fields used. */
function metaFields(file: string): (key: string) => string | undefined {
  let meta = '';
  try {
    meta = fs.readFileSync(file, 'utf8').slice(0, 64 * 1024);
  } catch {
    /* no meta.yaml: the folder name stands for the id */
  }
  return (key) => new RegExp(`^${key}:\\s*'?([^'\\n]*)'?\\s*$`, 'm').exec(meta)?.[1]?.trim();
}

/** One run of a store, as `--run` and the ambiguity message name it. */
export interface MlflowRunInfo {
  dir: string;
  runId: string;
  name: string;
  experimentId: string;
  /** The experiment's name from its meta.yaml ('' when it has none). */
  experiment: string;
}

function runInfo(runDir: string): MlflowRunInfo {
  const meta = metaFields(path.join(runDir, 'meta.yaml'));
  let runName = '';
  try {
    runName = fs.readFileSync(path.join(runDir, 'tags', 'mlflow.runName'), 'utf8').slice(0, 1024).trim();
  } catch {
    /* older runs have the name in meta.yaml only */
  }
  const runId = meta('run_id') || path.basename(runDir);
  const experimentId = meta('experiment_id') || path.basename(path.dirname(runDir));
  const experiment = metaFields(path.join(path.dirname(runDir), 'meta.yaml'))('name') ?? '';
  return { dir: runDir, runId, name: runName || meta('run_name') || meta('name') || runId, experimentId, experiment };
}

/** The live runs under `dir` (a run, an experiment or a store), in folder order. */
export function listMlflowRuns(dir: string): MlflowRunInfo[] {
  return findRuns(dir)
    .filter((r) => metaFields(path.join(r, 'meta.yaml'))('lifecycle_stage') !== 'deleted')
    .map(runInfo);
}

function describeRuns(runs: MlflowRunInfo[], max = 20): string {
  const shown = runs.slice(0, max).map((r) => `${r.runId}${r.name !== r.runId ? ` "${r.name}"` : ''} (experiment ${r.experimentId}${r.experiment ? ` "${r.experiment}"` : ''})`);
  return shown.join(', ') + (runs.length > max ? `, ... and ${runs.length - max} more` : '');
}

/** The run `select` names among `runs`: its id, a unique id prefix (at least 4 characters), or its name. */
function selectRun(dir: string, runs: MlflowRunInfo[], select: string): MlflowRunInfo {
  const byId = runs.filter((r) => r.runId === select);
  if (byId.length === 1) return byId[0]!;
  const byName = runs.filter((r) => r.name === select);
  if (byName.length === 1) return byName[0]!;
  if (byName.length > 1) throw new IngestError(dir, `has ${byName.length} MLflow runs named "${select}": ${describeRuns(byName)}; pass --run with the run id`);
  const byPrefix = select.length >= 4 ? runs.filter((r) => r.runId.startsWith(select)) : [];
  if (byPrefix.length === 1) return byPrefix[0]!;
  if (byPrefix.length > 1) throw new IngestError(dir, `run id prefix "${select}" matches ${byPrefix.length} MLflow runs: ${describeRuns(byPrefix)}; give more of the id`);
  throw new IngestError(dir, `has no MLflow run with id or name "${select}"; its ${runs.length === 1 ? 'run is' : `${runs.length} runs are`}: ${describeRuns(runs)}`);
}

export function openMlflowRun(dir: string, select?: string): MlflowRun {
  const all = findRuns(dir);
  if (all.length === 0) throw new IngestError(dir, 'no MLflow run folder (with a metrics/ folder) found');
  const runs = listMlflowRuns(dir);
  if (runs.length === 0) throw new IngestError(dir, `holds only deleted MLflow runs (${all.map((r) => path.basename(r)).slice(0, 5).join(', ')})`);
  let info: MlflowRunInfo;
  if (select !== undefined && select !== '') info = selectRun(dir, runs, select);
  else if (runs.length > 1) throw new IngestError(dir, `holds ${runs.length} MLflow runs: ${describeRuns(runs)}; pick one with --run RUN_ID_OR_NAME (option run:), or pass its run folder`);
  else info = runs[0]!;
  const runDir = info.dir;
  return {
    dir: runDir,
    runId: info.runId,
    name: info.name,
    params: readSmallFiles(path.join(runDir, 'params')),
    tags: readSmallFiles(path.join(runDir, 'tags')),
    metricFiles: listFiles(path.join(runDir, 'metrics')),
  };
}

/** A metric value as MLflow writes it (Python float repr: also nan, inf, -inf); undefined if not a number. */
function parseMetricValue(text: string): number | undefined {
  if (/^[+-]?nan$/i.test(text)) return NaN;
  if (/^[+-]?inf(inity)?$/i.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
  const n = Number(text);
  return Number.isNaN(n) ? undefined : n;
}

/** One row per logged value: `{step, timestamp, <metric>: value}`; a metric's lines are numbered within its file. */
export async function* readMlflowMetrics(run: MlflowRun, skipped: SkipLog, onBytes?: (n: number) => void): AsyncGenerator<SourceRow> {
  for (const { name, file } of run.metricFiles) {
    const input = fs.createReadStream(file);
    if (onBytes) input.on('data', (b: Buffer | string) => onBytes(b.length));
    const lines = readline.createInterface({ input, crlfDelay: Infinity });
    let line = 0;
    try {
      for await (const raw of lines) {
        line++;
        const text = raw.trim();
        if (text === '') continue;
        const parts = text.split(/\s+/);
        if (parts.length < 2 || parts.length > 3) {
          skipped.add(line, `metrics/${name}: expected "timestamp value step", got "${text.slice(0, 80)}"`);
          continue;
        }
        const timestamp = Number(parts[0]);
        const step = parts[2] === undefined ? 0 : Number(parts[2]);
        const value = parseMetricValue(parts[1]!);
        if (!Number.isFinite(timestamp) || !Number.isFinite(step) || value === undefined) {
          skipped.add(line, `metrics/${name}: not numbers: "${text.slice(0, 80)}"`);
          continue;
        }
        yield { line, value: { step, timestamp, [name]: value } };
      }
    } finally {
      lines.close();
      input.destroy();
    }
  }
}
