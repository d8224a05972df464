/** Growable typed arrays: analyses keep only the numbers they need, never the rows. */
export class Float64Column {
  private data = new Float64Array(1024);
  length = 0;

  push(x: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = x;
  }

  /** The filled part (a copy of exactly `length` values, so the builder's slack is freed). */
  toArray(): Float64Array {
    return this.data.slice(0, this.length);
  }
}

export class Uint8Column {
  private data = new Uint8Array(1024);
  length = 0;

  push(x: number): void {
    if (this.length === this.data.length) {
      const next = new Uint8Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = x;
  }

  toArray(): Uint8Array {
    return this.data.slice(0, this.length);
  }
}

export class Int32Column {
  private data = new Int32Array(1024);
  length = 0;

  push(x: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = x;
  }

  toArray(): Int32Array {
    return this.data.slice(0, this.length);
  }
}
