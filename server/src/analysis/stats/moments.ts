/** Streaming mean and variance (Welford), so ingest can summarise a metric without keeping rows. */
import type { ContinuousSummary } from '../types';

export class RunningMoments {
  private count = 0;
  private mean = 0;
  private m2 = 0;

  add(x: number): void {
    this.count += 1;
    const delta = x - this.mean;
    this.mean += delta / this.count;
    this.m2 += delta * (x - this.mean);
  }

  /** Mean and sample variance (n - 1 denominator; 0 for a single value). */
  summary(): ContinuousSummary {
    return { n: this.count, mean: this.mean, variance: this.count > 1 ? this.m2 / (this.count - 1) : 0 };
  }
}
