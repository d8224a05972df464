/**
 * MLflow file-store runs: `<run>/metrics/<name>` files of `timestamp value step` lines, plus
 * `params/<name>`, `tags/<name>` and `meta.yaml`. Accepts a run folder, or an experiment folder
 * (or an `mlruns` folder) that holds exactly one run. Metric names may contain `/`
 * (nested files under metrics/).
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

export function openMlflowRun(dir: string): MlflowRun {
  const runs = findRuns(dir);
  if (runs.length === 0) throw new IngestError(dir, 'no MLflow run folder (with a metrics/ folder) found');
  if (runs.length > 1) {
    const names = runs.map((r) => path.relative(dir, r)).slice(0, 5);
    throw new IngestError(dir, `holds ${runs.length} MLflow runs (${names.join(', ')}${runs.length > 5 ? ', ...' : ''}); pass one run folder`);
  }
  const runDir = runs[0]!;
  const tags = readSmallFiles(path.join(runDir, 'tags'));
  const meta = fs.existsSync(path.join(runDir, 'meta.yaml')) ? fs.readFileSync(path.join(runDir, 'meta.yaml'), 'utf8') : '';
  // meta.yaml is flat `key: value`; a full YAML parse is not needed for the two fields used.
  const metaField = (key: string) => new RegExp(`^${key}:\\s*'?([^'\\n]*)'?\\s*$`, 'm').exec(meta)?.[1]?.trim();
  const runId = metaField('run_id') || path.basename(runDir);
  return {
    dir: runDir,
    runId,
    name: tags['mlflow.runName'] || metaField('run_name') || metaField('name') || runId,
    params: readSmallFiles(path.join(runDir, 'params')),
    tags,
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
