/**
 * Every analysis RLHF Lens knows, in one plain list (the config side: names, options, metrics,
 * result checkers). The engine pairs each with its runner in engine/analyses/registry.ts; a test
 * checks that the two lists agree. To add an analysis, see the how-to at the top of that file.
 */
import { DATA_FORMATS } from '../../ingest/rows';
import { boolean, mapping, oneOf, opt, text, type AnyAnalysisDescriptor, type OptionSpec } from './descriptor';
import { calibrationAnalysis } from './calibration';
import { abAnalysis } from './ab';
import { agreementAnalysis } from './agreement';
import { driftAnalysis } from './drift';
import { trainingAnalysis } from './training';
import { latencyAnalysis } from './latency';
import { uncertaintyAnalysis } from './uncertainty';
import { preferenceEvalAnalysis } from './preference-eval';
import { dataQualityAnalysis } from './data-quality';

const BUILT_IN: AnyAnalysisDescriptor[] = [calibrationAnalysis, abAnalysis, agreementAnalysis, driftAnalysis, trainingAnalysis, latencyAnalysis, uncertaintyAnalysis, preferenceEvalAnalysis, dataQualityAnalysis];

const list: AnyAnalysisDescriptor[] = [...BUILT_IN];
const byName = new Map<string, AnyAnalysisDescriptor>(list.map((d) => [d.name, d]));

/** The descriptors, in registration order (a live view: registration appends). */
export const ANALYSIS_DESCRIPTORS: readonly AnyAnalysisDescriptor[] = list;

/** Name -> descriptor (live). */
export const DESCRIPTOR_BY_NAME: ReadonlyMap<string, AnyAnalysisDescriptor> = byName;

export function analysisDescriptor(name: string): AnyAnalysisDescriptor | undefined {
  return DESCRIPTOR_BY_NAME.get(name);
}

export function analysisNames(): string[] {
  return list.map((d) => d.name);
}

/** Options every analysis accepts: how rows are read. */
export const INGEST_OPTIONS: readonly OptionSpec[] = [
  opt('columns', 'Field -> column mapping, e.g. {label: human_label}.', mapping),
  opt('format', 'Force the data format.', oneOf(...DATA_FORMATS)),
  opt('header', 'Whether a CSV/TSV file has a header row.', boolean),
  opt('run', 'The run to read from a folder holding several (an MLflow store): its run id, a unique id prefix, or its run name.', text),
  opt('crash_worker', 'Test hook: the worker exits mid-job (honoured only with RLHF_LENS_TEST_HOOKS=1).', boolean, { hidden: true }),
];

/**
 * Adds a descriptor (used by engine/analyses/registry.ts `registerAnalysis`; the built-ins are
 * listed above). Refuses a duplicate name.
 */
export function registerDescriptor(descriptor: AnyAnalysisDescriptor): void {
  if (byName.has(descriptor.name)) throw new Error(`an analysis named "${descriptor.name}" is already registered`);
  list.push(descriptor);
  byName.set(descriptor.name, descriptor);
}
