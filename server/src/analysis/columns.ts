/**
 * Growable typed arrays: analyses and the readers that feed them keep only the numbers they need,
 * never the rows. Pure (no I/O), so both analysis/ and engine/ use it.
 */
type Typed = Float64Array | Uint8Array | Int32Array;

class GrowableColumn<T extends Typed> {
  private data: T;
  length = 0;

  constructor(private readonly make: (capacity: number) => T) {
    this.data = make(1024);
  }

  push(x: number): void {
    if (this.length === this.data.length) {
      const next = this.make(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = x;
  }

  /** The filled part (a copy of exactly `length` values, so the builder's slack is freed). */
  toArray(): T {
    return this.data.slice(0, this.length) as T;
  }
}

export class Float64Column extends GrowableColumn<Float64Array> {
  constructor() {
    super((n) => new Float64Array(n));
  }
}

export class Uint8Column extends GrowableColumn<Uint8Array> {
  constructor() {
    super((n) => new Uint8Array(n));
  }
}

export class Int32Column extends GrowableColumn<Int32Array> {
  constructor() {
    super((n) => new Int32Array(n));
  }
}
