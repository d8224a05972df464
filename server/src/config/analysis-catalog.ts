/**
 * The analyses a pipeline check can run and the metrics each one reports, for check rules,
 * completion and hover. A view of the analysis registry (config/analyses/registry.ts): each entry
 * is the analysis's descriptor, so the catalog cannot drift from what the engine runs.
 */
import type { AnyAnalysisDescriptor } from './analyses/descriptor';
import { ANALYSIS_DESCRIPTORS, DESCRIPTOR_BY_NAME } from './analyses/registry';

export type { MetricInfo } from './analyses/descriptor';
export { isKnownMetric } from './analyses/descriptor';

export type AnalysisInfo = AnyAnalysisDescriptor;

export const ANALYSES: readonly AnalysisInfo[] = ANALYSIS_DESCRIPTORS;
export const ANALYSIS_BY_NAME: ReadonlyMap<string, AnalysisInfo> = DESCRIPTOR_BY_NAME;
