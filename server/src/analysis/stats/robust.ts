/** Robust location and scale over a sliding window, kept sorted so each step costs O(window). */

/** Scale factor that makes the MAD a consistent estimator of a normal standard deviation. */
export const MAD_TO_SD = 1.482602218505602;

/** Median of an ascending-sorted prefix of length n. */
function sortedMedian(sorted: Float64Array, n: number): number {
  const h = n >> 1;
  return n % 2 === 1 ? sorted[h]! : (sorted[h - 1]! + sorted[h]!) / 2;
}

/**
 * Median absolute deviation from `median` of the sorted window, in O(n): the deviations on each
 * side of the median are already ordered, so merging the two runs outward yields them sorted.
 */
function sortedMad(sorted: Float64Array, n: number, median: number): number {
  let right = 0;
  while (right < n && sorted[right]! < median) right++;
  let left = right - 1;
  const want = n >> 1;
  let prev = 0;
  for (let taken = 0; taken <= want; taken++) {
    const dl = left >= 0 ? median - sorted[left]! : Infinity;
    const dr = right < n ? sorted[right]! - median : Infinity;
    let d: number;
    if (dl <= dr) {
      d = dl;
      left--;
    } else {
      d = dr;
      right++;
    }
    if (n % 2 === 0 && taken === want - 1) prev = d;
    if (taken === want) return n % 2 === 1 ? d : (prev + d) / 2;
  }
  return 0;
}

/** A fixed-capacity window of the most recent values with O(window) median and MAD. */
export class RollingRobust {
  private readonly ring: Float64Array;
  private readonly sorted: Float64Array;
  private size = 0;
  private head = 0;

  constructor(readonly capacity: number) {
    this.ring = new Float64Array(capacity);
    this.sorted = new Float64Array(capacity);
  }

  get length(): number {
    return this.size;
  }

  push(x: number): void {
    if (this.size === this.capacity) {
      const old = this.ring[this.head]!;
      this.removeSorted(old);
    }
    this.ring[this.head] = x;
    this.head = (this.head + 1) % this.capacity;
    this.insertSorted(x);
  }

  median(): number {
    return sortedMedian(this.sorted, this.size);
  }

  mad(): number {
    return sortedMad(this.sorted, this.size, this.median());
  }

  private insertSorted(x: number): void {
    let i = this.size;
    while (i > 0 && this.sorted[i - 1]! > x) {
      this.sorted[i] = this.sorted[i - 1]!;
      i--;
    }
    this.sorted[i] = x;
    this.size++;
  }

  private removeSorted(x: number): void {
    let i = 0;
    while (i < this.size && this.sorted[i] !== x) i++;
    for (let j = i; j < this.size - 1; j++) this.sorted[j] = this.sorted[j + 1]!;
    this.size--;
  }
}
