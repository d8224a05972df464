/**
 * Every analysis the engine can run: its descriptor (config/analyses/<name>.ts) paired with its
 * runner (engine/analyses/<name>.ts). The CLI, the language server, its worker and pipeline checks
 * find analyses only here.
 *
 * To add an analysis `foo` (see also /docs/engine.md "Adding an analysis"):
 *   1. analysis/foo.ts            the pure computation (typed arrays in, result fields out) + oracle tests
 *   2. config/analyses/foo.ts     defineAnalysis({name, description, inputs, options, metrics, measure?, result?})
 *   3. engine/analyses/foo.ts     defineRunner({descriptor, inputFiles?, load(ctx), run(input, options)})
 *   4. list the descriptor in config/analyses/registry.ts BUILT_IN and the runner in RUNNERS below
 *   5. docs/analyses.md: a `## foo` section (fields of the result, options, metrics)
 * Nothing else: the CLI (`rlhf-lens analyze foo`, `--option k=v`), `rlhfLens/analyze`, pipeline
 * checks, the check rules, completion and hover all read the registry.
 */
import * as path from 'node:path';
import { TEST_HOOKS_ENV } from '../messages';
import { registerDescriptor, DESCRIPTOR_BY_NAME } from '../../config/analyses/registry';
import type { AnalysisRunner } from './runner';
import { calibrationRunner } from './calibration';
import { abRunner } from './ab';
import { agreementRunner } from './agreement';
import { driftRunner } from './drift';
import { trainingRunner } from './training';
import { latencyRunner } from './latency';
import { uncertaintyRunner } from './uncertainty';
import { preferenceEvalRunner } from './preference-eval';
import { dataQualityRunner } from './data-quality';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyRunner = AnalysisRunner<any, any>;

const RUNNERS: AnyRunner[] = [calibrationRunner, abRunner, agreementRunner, driftRunner, trainingRunner, latencyRunner, uncertaintyRunner, preferenceEvalRunner, dataQualityRunner];

const byName = new Map<string, AnyRunner>(RUNNERS.map((r) => [r.descriptor.name, r]));

export function runnerFor(name: string): AnyRunner | undefined {
  return byName.get(name);
}

/** Names of the analyses that can run, in registration order. */
export function analysisNames(): string[] {
  return [...byName.keys()];
}

export function isAnalysisName(name: string): boolean {
  return byName.has(name);
}

/**
 * Registers an analysis at run time: its descriptor (so the linter, completion and hover know it)
 * and its runner. Built-ins are listed above; this is for analyses defined outside the source tree
 * (tests, and the test hook below).
 */
export function registerAnalysis(runner: AnyRunner): void {
  const name = runner.descriptor.name;
  if (byName.has(name)) throw new Error(`an analysis named "${name}" is already registered`);
  if (!DESCRIPTOR_BY_NAME.has(name)) registerDescriptor(runner.descriptor);
  byName.set(name, runner);
}

/**
 * Test hook: with RLHF_LENS_TEST_HOOKS=1, RLHF_LENS_TEST_ANALYSES names CommonJS modules (separated
 * by the path delimiter) that export an analysis runner (`module.exports = {descriptor, load, run}`).
 * Every process that runs analyses (CLI, server, worker) imports this module, so a test can add an
 * analysis to all of them through the registry alone.
 */
export const TEST_ANALYSES_ENV = 'RLHF_LENS_TEST_ANALYSES';
if (process.env[TEST_HOOKS_ENV] === '1' && process.env[TEST_ANALYSES_ENV]) {
  for (const file of process.env[TEST_ANALYSES_ENV]!.split(path.delimiter).filter(Boolean)) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(path.resolve(file)) as { default?: AnyRunner } & AnyRunner;
    const runner = mod.default ?? mod;
    if (!byName.has(runner.descriptor.name)) registerAnalysis(runner);
  }
}
