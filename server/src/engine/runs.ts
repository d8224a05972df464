/**
 * Training runs on disk: which log a run folder holds (trainer_state.json, an MLflow run, a
 * Lightning metrics.csv), its series (through the same ingestion as the training analysis), and
 * the hyperparameters the run itself recorded, each with the file and line it came from: MLflow
 * params/, the TrainingArguments copies of trainer_state.json, and framework configs saved beside
 * the log (Lightning hparams.yaml, training_args.yaml/json, args.yaml, config.yaml, PEFT
 * adapter_config.json, RLHF Lens *.training.yaml).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LineCounter, parseDocument, isMap, isSeq, isScalar, type Node } from 'yaml';
import { openDataSource } from '../ingest/read';
import { IngestError } from '../ingest/rows';
import { listMlflowRuns, looksLikeMlflow, openMlflowRun } from '../ingest/mlflow';
import { findWandbRuns, wandbInputFiles } from '../ingest/wandb';
import { findEventFiles, isEventFileName } from '../ingest/tfevents';
import { loadTraining } from './inputs';
import { compareRuns, type CompareOptions, type CompareResult, type CompareRunInput, type HyperparameterValue } from '../analysis/compare';
import type { MetricSeries } from '../analysis/types';
import { tailNoise } from '../analysis/baseline';
import { contentHash, textHash } from './hash';
import type { Store } from './store';
import { debiasedEma, minMaxDownsample } from '../analysis/training';
import { AnalysisError } from '../analysis/types';
import type { CompareSection, RunEntry } from '../protocol/compare';

/** Config files a framework saves beside a run, read for hyperparameters in this order (first wins). */
export const CONFIG_FILES = ['hparams.yaml', 'training_args.yaml', 'training_args.json', 'args.yaml', 'config.yaml', 'config.yml', 'adapter_config.json'];

/** trainer_state.json fields that describe the state, not the settings. */
const TRAINER_STATE_FIELDS = new Set(['best_global_step', 'best_metric', 'best_model_checkpoint', 'epoch', 'global_step', 'is_hyper_param_search', 'is_local_process_zero', 'is_world_process_zero', 'num_input_tokens_seen', 'total_flos', 'trial_name', 'log_history', 'stateful_callbacks']);

const MAX_CONFIG_BYTES = 4 * 1024 * 1024;

export interface RunLog {
  /** The file (or MLflow run folder) holding the series. */
  log: string;
  kind: 'trainer_state' | 'mlflow' | 'metrics_csv' | 'tfevents' | 'log' | 'wandb';
}

const numericAware = (a: string, b: string) => a.localeCompare(b, undefined, { numeric: true });

/**
 * The log of a run folder: its own trainer_state.json, MLflow run or metrics.csv; else the one of
 * the latest checkpoint-N / version_N below it (up to three levels). A file is its own log.
 */
export function findRunLog(p: string): RunLog {
  let st: fs.Stats;
  try {
    st = fs.statSync(p);
  } catch {
    throw new IngestError(p, 'no such file or folder');
  }
  if (st.isFile()) {
    const base = path.basename(p);
    return { log: p, kind: base.endsWith('trainer_state.json') ? 'trainer_state' : base === 'metrics.csv' ? 'metrics_csv' : base.endsWith('.wandb') ? 'wandb' : isEventFileName(base) ? 'tfevents' : 'log' };
  }
  // A W&B run folder (or a wandb/ folder of one run): its run-<id>.wandb log.
  if (findWandbRuns(p).length > 0) return { log: p, kind: 'wandb' };
  const hasEventFiles = (dir: string) => {
    try {
      return fs.readdirSync(dir).some(isEventFileName);
    } catch {
      return false;
    }
  };
  const search = (dir: string, depth: number): RunLog | undefined => {
    if (fs.existsSync(path.join(dir, 'trainer_state.json'))) return { log: path.join(dir, 'trainer_state.json'), kind: 'trainer_state' };
    if (fs.existsSync(path.join(dir, 'metrics')) && looksLikeMlflow(dir)) return { log: dir, kind: 'mlflow' };
    // The folder given holds event files itself (a Lightning version_N/, a SummaryWriter log_dir): a TensorBoard run, as ingest reads it.
    if (depth === 0 && hasEventFiles(dir)) return { log: dir, kind: 'tfevents' };
    if (fs.existsSync(path.join(dir, 'metrics.csv'))) return { log: path.join(dir, 'metrics.csv'), kind: 'metrics_csv' };
    if (depth >= 3) return undefined;
    const subdirs = fs
      .readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory() && !e.name.startsWith('.') && e.name !== 'node_modules')
      .map((e) => e.name)
      // The latest checkpoint / version first.
      .sort(numericAware)
      .reverse();
    for (const s of subdirs) {
      const found = search(path.join(dir, s), depth + 1);
      if (found) return found;
    }
    return undefined;
  };
  const found = search(p, 0);
  if (found) return found;
  if (looksLikeMlflow(p)) return { log: p, kind: 'mlflow' };
  // Event files in subfolders (Keras train/ and validation/): one run, their tags prefixed by the subfolder.
  if (findEventFiles(p).length > 0) return { log: p, kind: 'tfevents' };
  throw new IngestError(p, 'holds no training log (trainer_state.json, MLflow run, Lightning metrics.csv, TensorBoard event files) up to three folders down');
}

/** Flattens a YAML mapping to dotted keys with the line of each key. Lists of scalars become JSON text. */
function yamlHyperparameters(file: string, text: string): Record<string, HyperparameterValue> {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, uniqueKeys: false });
  const out: Record<string, HyperparameterValue> = {};
  const walk = (node: Node | null | undefined, prefix: string, line: number) => {
    if (isMap(node)) {
      for (const pair of node.items) {
        const k = isScalar(pair.key) ? String(pair.key.value) : undefined;
        if (k === undefined) continue;
        const keyLine = pair.key && (pair.key as Node).range ? counter.linePos((pair.key as Node).range![0]).line : line;
        walk(pair.value as Node, prefix ? `${prefix}.${k}` : k, keyLine);
      }
    } else if (isSeq(node)) {
      const items = node.items.map((x) => (isScalar(x) ? x.value : undefined));
      if (items.every((x) => x !== undefined && (typeof x !== 'object' || x === null))) out[prefix] = { value: JSON.stringify(items), file, line };
    } else if (isScalar(node) && prefix) {
      const v = node.value;
      out[prefix] = { value: typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v === null ? v : String(v), file, line };
    }
  };
  walk(doc.contents as Node, '', 1);
  return out;
}

/** The 1-based line of each top-level key of a JSON object text (the least-indented `"key":` lines). */
function jsonKeyLines(text: string): Map<string, number> {
  const lines = text.split('\n');
  const found: { key: string; indent: number; line: number }[] = [];
  lines.forEach((l, i) => {
    const m = /^(\s*)"((?:[^"\\]|\\.)*)"\s*:/.exec(l);
    if (m) found.push({ key: JSON.parse(`"${m[2]}"`) as string, indent: m[1]!.length, line: i + 1 });
  });
  const top = Math.min(...found.map((f) => f.indent));
  const out = new Map<string, number>();
  for (const f of found) if (f.indent === top && !out.has(f.key)) out.set(f.key, f.line);
  return out;
}

function jsonHyperparameters(file: string, value: Record<string, unknown>, text: string, skip?: Set<string>): Record<string, HyperparameterValue> {
  const lines = jsonKeyLines(text);
  const out: Record<string, HyperparameterValue> = {};
  const put = (key: string, v: unknown, line: number | undefined) => {
    if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[key] = { value: v, file, ...(line ? { line } : {}) };
    else if (Array.isArray(v) && v.every((x) => x === null || typeof x !== 'object')) out[key] = { value: JSON.stringify(v), file, ...(line ? { line } : {}) };
  };
  for (const [k, v] of Object.entries(value)) {
    if (skip?.has(k)) continue;
    if (v && typeof v === 'object' && !Array.isArray(v) && (k === 'args' || k === 'trial_params')) {
      // Some trainers save their arguments inside trainer_state.json; the nested keys are the hyperparameters.
      for (const [k2, v2] of Object.entries(v as Record<string, unknown>)) put(k2, v2, lines.get(k));
    } else put(k, v, lines.get(k));
  }
  return out;
}

function readSmall(file: string): string | undefined {
  try {
    const st = fs.statSync(file);
    if (!st.isFile() || st.size > MAX_CONFIG_BYTES) return undefined;
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** The trainer_state.json settings without reading its log_history twice: only the text before it is parsed when the file is large. */
function trainerStateHyperparameters(file: string): Record<string, HyperparameterValue> {
  const text = readSmall(file) ?? '';
  if (!text) return {};
  try {
    return jsonHyperparameters(file, JSON.parse(text) as Record<string, unknown>, text, TRAINER_STATE_FIELDS);
  } catch {
    return {};
  }
}

function configHyperparameters(dir: string): Record<string, HyperparameterValue> {
  const out: Record<string, HyperparameterValue> = {};
  const names = [...CONFIG_FILES];
  try {
    for (const e of fs.readdirSync(dir).sort()) if (/\.training\.ya?ml$/.test(e)) names.push(e);
  } catch {
    return out;
  }
  for (const name of names) {
    const file = path.join(dir, name);
    const text = readSmall(file);
    if (text === undefined) continue;
    let found: Record<string, HyperparameterValue> = {};
    try {
      if (name.endsWith('.json')) {
        const v = JSON.parse(text) as unknown;
        if (v && typeof v === 'object' && !Array.isArray(v)) found = jsonHyperparameters(file, v as Record<string, unknown>, text);
      } else found = yamlHyperparameters(file, text);
    } catch {
      continue; // an unreadable config is not a reason to refuse the run
    }
    for (const [k, v] of Object.entries(found)) if (!(k in out)) out[k] = v;
  }
  return out;
}

export interface LoadedRun extends CompareRunInput {
  log: string;
}

/** Reads one run: its series and its recorded hyperparameters. */
export async function loadRun(p: string): Promise<LoadedRun> {
  const abs = path.resolve(p);
  const { log, kind } = findRunLog(abs);
  const source = await openDataSource(log);
  const training = await loadTraining(source);
  let hyperparameters: Record<string, HyperparameterValue> = {};
  if (kind === 'wandb') {
    for (const [k, v] of Object.entries(source.recorded ?? {})) hyperparameters[k] = v;
  } else if (kind === 'mlflow') {
    const run = openMlflowRun(log);
    for (const [k, v] of Object.entries(run.params)) hyperparameters[k] = { value: v, file: path.join(run.dir, 'params', k), line: 1 };
    hyperparameters = { ...configHyperparameters(run.dir), ...hyperparameters };
  } else if (kind === 'tfevents') {
    hyperparameters = tensorboardHyperparameters(source.recorded ?? {}, source.params ?? {}, log);
    const dir = fs.statSync(log).isDirectory() ? log : path.dirname(log);
    for (const [k, v] of Object.entries(configHyperparameters(dir))) if (!(k in hyperparameters)) hyperparameters[k] = v;
  } else {
    if (kind === 'trainer_state') hyperparameters = trainerStateHyperparameters(log);
    const beside = configHyperparameters(path.dirname(log));
    for (const [k, v] of Object.entries(beside)) if (!(k in hyperparameters)) hyperparameters[k] = v;
    // A run folder given above a checkpoint: its own configs count too.
    if (fs.statSync(abs).isDirectory() && path.dirname(log) !== abs) {
      for (const [k, v] of Object.entries(configHyperparameters(abs))) if (!(k in hyperparameters)) hyperparameters[k] = v;
    }
  }
  const isDir = fs.statSync(abs).isDirectory();
  const base = path.basename(abs);
  const name = kind === 'mlflow' || kind === 'wandb' ? source.run : kind === 'tfevents' && !isDir ? eventFileRunName(abs) : isDir ? base : /^(trainer_state\.json|metrics\.csv)$/.test(base) ? path.basename(path.dirname(abs)) : base.replace(/(\.gz)?$/, '').replace(/\.[^.]+$/, '').replace(/_?trainer_state$/, '') || base;
  return { name, source: abs, log, format: source.format, series: training.series, hyperparameters };
}

/**
 * A TensorBoard run's hyperparameters: the hparams plugin's values (session_start_info, as
 * Lightning's TensorBoardLogger and tf.summary / hp.hparams write them) first, then the
 * TrainingArguments JSON an HF Trainer writes as the `args/text_summary` text. Event files are
 * binary: the source names the file, without a line.
 */
function tensorboardHyperparameters(hparams: NonNullable<Awaited<ReturnType<typeof openDataSource>>['recorded']>, params: Record<string, string>, log: string): Record<string, HyperparameterValue> {
  const out: Record<string, HyperparameterValue> = {};
  for (const [k, v] of Object.entries(hparams)) out[k] = { value: v.value, file: v.file };
  const args = Object.entries(params).find(([k]) => k === 'args/text_summary' || k.endsWith('/args/text_summary'));
  if (args) {
    try {
      const parsed = JSON.parse(args[1]) as unknown;
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
        for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) {
          if (k in out) continue;
          const where = isFile(log) ? { file: log } : {};
          if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = { value: v, ...where };
          else if (Array.isArray(v) && v.every((x) => x === null || typeof x !== 'object')) out[k] = { value: JSON.stringify(v), ...where };
        }
      }
    } catch {
      // Not JSON (older Trainers wrote a repr): no hyperparameters from it.
    }
  }
  return out;
}

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

/** A lone event file's run name: the part before `.events.out.tfevents` when it has one, else its folder (TensorBoard names runs by folder). */
function eventFileRunName(file: string): string {
  const base = path.basename(file);
  const at = base.indexOf('events.out.tfevents');
  const prefix = at > 0 ? base.slice(0, at).replace(/[._-]+$/, '') : '';
  return prefix || path.basename(path.dirname(file));
}

/** Names made unique: a repeated name gets " (2)", " (3)"... in argument order. */
function uniqueNames<T extends { name: string }>(runs: T[]): T[] {
  const count = new Map<string, number>();
  return runs.map((r) => {
    const n = (count.get(r.name) ?? 0) + 1;
    count.set(r.name, n);
    return n === 1 ? r : { ...r, name: `${r.name} (${n})` };
  });
}

/**
 * A folder holding several runs stands for each of them, in folder order: an MLflow store (mlruns/,
 * an experiment) and a wandb/ folder of run-* folders.
 */
export function expandRunStores(paths: string[]): string[] {
  return paths.flatMap((p) => {
    try {
      if (!fs.statSync(p).isDirectory() || fs.existsSync(path.join(p, 'metrics'))) return [p];
    } catch {
      return [p]; // loadRun names the missing path
    }
    const wandb = findWandbRuns(p);
    if (wandb.length > 1) return wandb;
    const runs = wandb.length === 0 && looksLikeMlflow(p) ? listMlflowRuns(p) : [];
    return runs.length > 1 ? runs.map((r) => r.dir) : [p];
  });
}

export async function compareRunPaths(paths: string[], options: CompareOptions = {}): Promise<CompareResult & { loaded: LoadedRun[] }> {
  const loaded = uniqueNames(await Promise.all(expandRunStores(paths).map(loadRun)));
  return { ...compareRuns(loaded, options), loaded };
}

export type { MetricSeries };

/** A run figure `NAME.STAT` (STAT: last, min, max, best, count) with the noise of its value, for baseline checks. */
export async function runFigure(p: string, metric: string): Promise<{ value: number; noise: number; run: string }> {
  const dot = metric.lastIndexOf('.');
  const name = dot > 0 ? metric.slice(0, dot) : metric;
  const stat = dot > 0 ? metric.slice(dot + 1) : 'last';
  if (!['last', 'min', 'max', 'best', 'count'].includes(stat)) throw new IngestError(p, `"${metric}": a baseline figure is NAME.last, .min, .max, .best or .count`);
  const run = await loadRun(p);
  const s = run.series[name];
  const summary = s ? compareRuns([{ ...run, series: { [name]: s } }]).runs[0]!.metrics[name] : undefined;
  if (!s || !summary) throw new IngestError(run.log, `has no finite values of "${name}" (it logs ${Object.keys(run.series).slice(0, 8).join(', ')})`);
  return { value: summary[stat as 'last'], noise: stat === 'count' ? 0 : tailNoise(s), run: run.name };
}

/**
 * Keeps every compared run's summary in the store with the content hash of its log and of its
 * recorded hyperparameters, so later runs can be compared with it. Returns how many were new.
 */
export async function recordRunSummaries(store: Store, result: CompareResult & { loaded: LoadedRun[] }): Promise<number> {
  let added = 0;
  for (let i = 0; i < result.runs.length; i++) {
    const run = result.runs[i]!;
    const loaded = result.loaded[i]!;
    const hp = Object.fromEntries(Object.entries(loaded.hyperparameters).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, v.value]));
    const inputHash = await contentHash([loaded.log]);
    if (store.putRunSummary({ name: run.name, path: loaded.source, inputHash, configHash: textHash(JSON.stringify(hp)), summary: { ...run, hyperparameters: hp } })) added++;
  }
  return added;
}

// ---------------------------------------------------------------- the comparison view and the Runs view

export interface CompareViewOptions {
  step?: number | null;
  /** Smoothing weight (TensorBoard debiased EMA), default 0.6; 0 = off. */
  smoothing?: number;
  /** Points per drawn series (min-max downsampling keeps the extremes), default 1000. */
  maxPoints?: number;
}

/**
 * What the comparison view draws: the compare result plus, per run and metric, the series
 * downsampled by the engine (the training analysis' min-max rule) and smoothed over the full series.
 */
export async function compareView(paths: string[], options: CompareViewOptions = {}): Promise<CompareSection> {
  const weight = options.smoothing ?? 0.6;
  const maxPoints = options.maxPoints ?? 1000;
  if (!(weight >= 0 && weight < 1)) throw new AnalysisError(`smoothing must be in [0, 1), got ${weight}`, 'bad-option');
  if (!(maxPoints >= 4 && maxPoints <= 1_000_000)) throw new AnalysisError(`max_points must be from 4 to 1000000, got ${maxPoints}`, 'bad-option');
  const step = options.step ?? undefined;
  const result = await compareRunPaths(paths, step !== undefined ? { step } : {});
  const series: CompareSection['series'] = {};
  const smoothed: CompareSection['smoothed'] = {};
  for (const run of result.loaded) {
    const s: Record<string, [number, number][]> = (series[run.name] = {});
    const sm: Record<string, [number, number][]> = (smoothed[run.name] = {});
    for (const [metric, m] of Object.entries(run.series)) {
      const keep = minMaxDownsample(m.values, maxPoints);
      if (keep.length === 0) continue;
      s[metric] = keep.map((i) => [m.steps[i]!, m.values[i]!]);
      if (weight > 0) {
        const ema = debiasedEma(m.values, weight);
        sm[metric] = keep.map((i) => [m.steps[i]!, ema[i]!]);
      }
    }
  }
  const { loaded: _loaded, ...compare } = result;
  return { ...compare, smoothing: weight, series, smoothed };
}

/** Logs the Runs view looks for, by file name. */
const RUN_LOG_NAMES = new Set(['trainer_state.json', 'metrics.csv']);
const SKIP_DIRS = new Set(['node_modules', '.git', '.venv', 'venv', '__pycache__', 'dist', 'wandb']);
/** A run whose log has not changed for this long while short of its planned steps is stalled. */
export const STALLED_AFTER_MS = 30 * 60 * 1000;

/** The headline metrics shown beside a run, when it logs them. */
const HEADLINE = ['loss', 'eval_loss', 'rewards/accuracies', 'rewards/margins', 'objective/kl', 'eval_accuracy', 'train/loss', 'eval/loss', 'val_loss', 'epoch_loss'];

/**
 * Every training run under `roots` (trainer_state.json outside checkpoint-N folders when the run
 * folder has its own, Lightning metrics.csv, MLflow runs), with its status: running when the log
 * changed in the last STALLED_AFTER_MS and the run is short of its planned steps, stalled when it
 * is short and has not changed for longer, else finished. Unreadable logs are listed with the error.
 */
export async function listRuns(roots: string[], now = Date.now(), maxRuns = 2000): Promise<RunEntry[]> {
  const found: { log: string; runDir: string; root: string }[] = [];
  // inRun: below a folder already listed by its trainer_state.json / metrics.csv (an HF output's runs/<date>/ event files repeat it).
  const visit = (dir: string, root: string, depth: number, inRun = false) => {
    if (found.length >= maxRuns || depth > 8) return;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    if (entries.some((e) => e.isDirectory() && e.name === 'metrics') && looksLikeMlflow(dir) && fs.existsSync(path.join(dir, 'meta.yaml'))) {
      found.push({ log: dir, runDir: dir, root });
      return;
    }
    const own = entries.find((e) => e.isFile() && RUN_LOG_NAMES.has(e.name));
    if (own) found.push({ log: path.join(dir, own.name), runDir: dir, root });
    // A folder of TensorBoard event files is a run, as TensorBoard lists runs (Keras train/ and validation/ are two).
    else if (!inRun && entries.some((e) => isEventFileName(e.name) && (e.isFile() || (e.isSymbolicLink() && isFile(path.join(dir, e.name)))))) found.push({ log: dir, runDir: dir, root });
    for (const e of entries.sort((a, b) => numericAware(a.name, b.name))) {
      // A wandb/ folder: each of its run folders is a run (its files/ and logs/ are not searched).
      if (e.isDirectory() && e.name === 'wandb') for (const r of findWandbRuns(path.join(dir, e.name))) if (found.length < maxRuns) found.push({ log: r, runDir: r, root });
      if (!e.isDirectory() || e.name.startsWith('.') || SKIP_DIRS.has(e.name)) continue;
      // A run folder's checkpoints repeat its log: list the run once.
      if (own && /^checkpoint-\d+$/.test(e.name)) continue;
      visit(path.join(dir, e.name), root, depth + 1, inRun || !!own);
    }
  };
  for (const root of roots) visit(root, root, 0);
  const out: RunEntry[] = [];
  for (const f of found) {
    const group = path.relative(f.root, path.dirname(f.runDir)) || '.';
    const name = path.basename(f.runDir);
    let modified = 0;
    try {
      // A W&B run folder changes when its .wandb log does (the folder's own mtime does not).
      modified = Math.max(fs.statSync(f.log).mtimeMs, ...(wandbInputFiles(f.log) ?? []).map((x) => fs.statSync(x).mtimeMs));
    } catch {
      /* listed with the error below */
    }
    try {
      const source = await openDataSource(f.log);
      const training = await loadTraining(source);
      const headline: Record<string, number> = {};
      let lastStep = 0;
      for (const [metric, s] of Object.entries(training.series)) {
        for (let i = 0; i < s.steps.length; i++) lastStep = Math.max(lastStep, s.steps[i]!);
        if (HEADLINE.includes(metric)) {
          for (let i = s.values.length - 1; i >= 0; i--) {
            if (Number.isFinite(s.values[i]!)) {
              headline[metric] = s.values[i]!;
              break;
            }
          }
        }
      }
      const maxSteps = f.log.endsWith('trainer_state.json') ? plannedSteps(f.log) : null;
      const short = maxSteps !== null && lastStep < maxSteps;
      // A W&B run has ended when its log has the exit record; without it, it is running or stalled by its log's age.
      const unfinished = source.format === 'wandb' ? source.finished === false : short;
      const status = unfinished ? (now - modified < STALLED_AFTER_MS ? 'running' : 'stalled') : 'finished';
      out.push({ name: source.format === 'mlflow' || source.format === 'wandb' ? source.run : name, path: f.runDir, log: f.log, format: source.format, group, status, last_step: lastStep, max_steps: maxSteps, modified, headline });
    } catch (err) {
      out.push({ name, path: f.runDir, log: f.log, format: 'unknown', group, status: 'finished', last_step: 0, max_steps: null, modified, headline: {}, error: (err as Error).message });
    }
  }
  return out;
}

/** trainer_state.json's max_steps (the planned length), read from the text before log_history when possible. */
function plannedSteps(file: string): number | null {
  const text = readSmall(file);
  if (!text) return null;
  const m = /"max_steps"\s*:\s*(\d+)/.exec(text);
  return m ? Number(m[1]) : null;
}

/**
 * The comparison of a training log's run with the other runs in the same parent folder (runs/a
 * beside runs/b), for the offline report; undefined when the run has no sibling.
 */
export async function siblingComparison(log: string, options: CompareViewOptions = { maxPoints: 500 }): Promise<CompareSection | undefined> {
  const runDir = fs.statSync(log).isDirectory() ? log : path.dirname(log);
  const parent = path.dirname(runDir);
  const siblings = (await listRuns([parent])).filter((r) => !r.error && path.dirname(r.path) === parent);
  if (siblings.length < 2 || !siblings.some((r) => r.path === runDir)) return undefined;
  // The checked run first, then the others in folder order.
  const paths = [runDir, ...siblings.map((r) => r.path).filter((p) => p !== runDir)];
  return compareView(paths, options);
}
