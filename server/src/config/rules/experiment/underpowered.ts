import type { Rule } from '../rule';
import { experimentDesignFromConfig } from '../../estimates/experiment-design';
import { powerForSampleSize, sampleSizePerVariant } from '../../../analysis/sample-size';

const pct = (x: number) => `${Number((x * 100).toFixed(1))}%`;

export const underpoweredRule: Rule = {
  id: 'experiment/underpowered',
  kinds: ['Experiment'],
  defaultSeverity: 'warning',
  description: '`min_sample_size` is below the per-variant sample needed to detect `mde` at the requested power and confidence.',
  check(doc, ctx) {
    const d = experimentDesignFromConfig(doc.value);
    // Bayesian analyses have no fixed-horizon power; sequential ones need at least this many.
    if (!d || d.minSampleSize === undefined || d.method === 'bayesian') return;
    const needed = sampleSizePerVariant(d.design);
    if (d.minSampleSize >= needed) return;
    const power = powerForSampleSize(d.design, d.minSampleSize);
    const baseline = d.worstCaseBaseline
      ? 'assuming the worst-case baseline rate of 0.5 (set the metric\'s `baseline` for a sharper figure)'
      : `from a baseline rate of ${d.design.baseline}`;
    const cuped = d.covariateCorrelation ? ` with CUPED (covariate correlation ${d.covariateCorrelation}: variance x ${Number((1 - d.covariateCorrelation ** 2).toFixed(4))})` : '';
    const range = doc.valueRange(['analysis', 'min_sample_size']);
    ctx.report({
      range,
      message:
        `min_sample_size ${d.minSampleSize.toLocaleString('en-US')} per variant gives only ${pct(power)} power to detect an absolute change of ` +
        `${d.design.mde} in "${d.metricName}" ${baseline}${cuped} at ${pct(d.design.confidence!)} confidence; ` +
        `${pct(d.design.power!)} power needs ${needed.toLocaleString('en-US')} per variant.`,
      fixes: [{ title: `Set min_sample_size to ${needed}`, edits: [{ range, newText: String(needed) }], safe: false }],
    });
  },
};
