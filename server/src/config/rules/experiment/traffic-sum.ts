import type { Rule } from '../rule';
import type { TextEditData } from '../../diagnostic';
import { variantLabel, variantsOf, type VariantView } from './variants';

/** Shares are fractions summing to 1, unless one exceeds 1: then they are percentages summing to 100. */
function targetOf(shares: readonly number[]): number {
  return shares.some((s) => s > 1) ? 100 : 1;
}

/**
 * `shares` scaled to sum to `target`, rounded to `decimals` places by largest remainder so the
 * rounded values still sum exactly to the target.
 */
export function normaliseShares(shares: readonly number[], target: number, decimals: number): number[] {
  const sum = shares.reduce((a, b) => a + b, 0);
  const units = Math.round(target * 10 ** decimals);
  const exact = shares.map((s) => (s / sum) * units);
  const floors = exact.map(Math.floor);
  let left = units - floors.reduce((a, b) => a + b, 0);
  const order = exact.map((e, i) => ({ i, frac: e - floors[i]! })).sort((a, b) => b.frac - a.frac || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    floors[i]!++;
    left--;
  }
  return floors.map((f) => f / 10 ** decimals);
}

function format(n: number): string {
  return String(Number(n.toFixed(10)));
}

export const trafficSumRule: Rule = {
  id: 'experiment/traffic-sum',
  kinds: ['Experiment'],
  defaultSeverity: 'error',
  description: 'Variant traffic shares do not sum to 1 (or to 100 when they are percentages).',
  check(doc, ctx) {
    const variants = variantsOf(doc);
    if (!variants || variants.length === 0) return;
    const withTraffic = variants.filter((v): v is VariantView & { traffic: number } => v.traffic !== undefined);
    if (withTraffic.length === 0 || withTraffic.length !== variants.filter((v) => v.hasTraffic).length) return;

    const missing = variants.filter((v) => !v.hasTraffic);
    if (missing.length > 0) {
      for (const v of missing) {
        ctx.report({
          range: doc.anchorRange(['variants', v.index]),
          message: `Variant ${variantLabel(v)} has no traffic while ${withTraffic.map(variantLabel).join(', ')} ${withTraffic.length === 1 ? 'has one' : 'do'}; give every variant a share, or none (an equal split).`,
        });
      }
      return;
    }

    const shares = withTraffic.map((v) => v.traffic);
    const target = targetOf(shares);
    const sum = shares.reduce((a, b) => a + b, 0);
    if (Math.abs(sum - target) <= 1e-9 * target) return;

    const last = withTraffic[withTraffic.length - 1]!;
    const unit = target === 100 ? ' (percentages)' : '';
    const listed = withTraffic.map((v) => `${variantLabel(v)} ${format(v.traffic)}`).join(', ');
    let fixes;
    let advice = `make them sum to ${target}`;
    if (sum > 0) {
      const normalised = normaliseShares(shares, target, target === 100 ? 2 : 4);
      const edits: TextEditData[] = withTraffic.map((v, i) => ({
        range: doc.valueRange(['variants', v.index, 'traffic']),
        newText: format(normalised[i]!),
      }));
      advice = `normalised they would be ${normalised.map(format).join(', ')}`;
      fixes = [{ title: `Normalise traffic to sum to ${target}`, edits, safe: false }];
    }
    ctx.report({
      range: doc.valueRange(['variants', last.index, 'traffic']),
      message: `Variant traffic sums to ${format(sum)}, not ${target}${unit}: ${listed}; ${advice}.`,
      related: withTraffic.slice(0, -1).map((v) => ({
        range: doc.valueRange(['variants', v.index, 'traffic']),
        message: `traffic of variant ${variantLabel(v)}`,
      })),
      ...(fixes ? { fixes } : {}),
    });
  },
};
