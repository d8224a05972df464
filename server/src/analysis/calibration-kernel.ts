/**
 * The binding of calibration's WebAssembly passes (server/wasm/calibration.ts, built into
 * dist/server/calibration.wasm): its memory layout, which the module exports, and the copying of
 * rows into it a block at a time. What the passes compute, and why they are WebAssembly, is said
 * there and in calibration.ts, which calls them.
 */
import { forgetWasmModule, growMemory, wasmConstant, wasmModule } from '../wasm/load';

interface Exports {
  memory: WebAssembly.Memory;
  reset(bins: number): void;
  add(count: number, bins: number): void;
  histogram(count: number): number;
  gather(count: number): void;
  assign(count: number, chunks: number, bucketed: number, ties: number, base: number, extra: number): void;
}

const OFFSETS = ['EDGES', 'COUNT', 'SUM_CONF', 'SUM_CORRECT', 'SCALARS', 'BUCKETS', 'CONF', 'CORRECT', 'HIST', 'SLOT', 'SLOT_AT', 'BY_BUCKET', 'FIRST', 'TIES', 'CHUNK_CONF', 'CHUNK_CORRECT', 'GATHERED', 'END'] as const;
type Offset = (typeof OFFSETS)[number];

/** Buckets of [0, 1] in adaptive ECE's histogram (the module's BUCKET_COUNT): bucket(c) = floor(c * BUCKETS). */
export const BUCKETS = 1 << 16;

/** Above this much memory (a gather of many tied values) the module is dropped after use, not kept. */
const KEEP_BYTES = 64 << 20;

export interface CalibrationKernel {
  readonly exports: Exports;
  readonly at: Record<Offset, number>;
  /** Rows a pass takes at once. */
  readonly block: number;
  /** The row-sums state's owner (RowSummariser), which is told before another one takes it. */
  owner: { evicted(): void } | undefined;
}

let current: CalibrationKernel | undefined;

export function calibrationKernel(): CalibrationKernel {
  if (!current) {
    const probe = wasmModule<WebAssembly.Exports>('calibration');
    const at = Object.fromEntries(OFFSETS.map((o) => [o, wasmConstant(probe, o)])) as Record<Offset, number>;
    current = { exports: wasmModule<Exports>('calibration', at.END), at, block: wasmConstant(probe, 'BLOCK'), owner: undefined };
  }
  return current;
}

/** The kernel's views of the row sums' state (what `add` accumulates) for `bins` bins. */
export function sumsState(k: CalibrationKernel, bins: number): { count: Float64Array; sumConf: Float64Array; sumCorrect: Float64Array; scalars: Float64Array; buckets: Uint32Array } {
  return { count: f64(k, 'COUNT', bins), sumConf: f64(k, 'SUM_CONF', bins), sumCorrect: f64(k, 'SUM_CORRECT', bins), scalars: f64(k, 'SCALARS', 8), buckets: u32(k, 'BUCKETS', BUCKETS) };
}

/** Grows the module's memory to hold `bytes` from offset 0 (views made before are then detached). */
export function reserve(k: CalibrationKernel, bytes: number): void {
  growMemory(k.exports.memory, bytes);
}

/** A typed view of `length` items at `offset` of the module's memory (made fresh: memory may have grown). */
export function f64(k: CalibrationKernel, offset: Offset, length: number): Float64Array {
  return new Float64Array(k.exports.memory.buffer, k.at[offset], length);
}

export function i32(k: CalibrationKernel, offset: Offset, length: number): Int32Array {
  return new Int32Array(k.exports.memory.buffer, k.at[offset], length);
}

export function u32(k: CalibrationKernel, offset: Offset, length: number): Uint32Array {
  return new Uint32Array(k.exports.memory.buffer, k.at[offset], length);
}

/**
 * Runs `pass` over the rows a block at a time, each block copied into CONF (and CORRECT): `pass`
 * gets the block's row count and answers false to stop early.
 */
export function eachBlock(k: CalibrationKernel, confidence: Float64Array, correct: Uint8Array | undefined, pass: (count: number) => boolean | void): void {
  const conf = f64(k, 'CONF', k.block);
  const flags = correct ? new Uint8Array(k.exports.memory.buffer, k.at.CORRECT, k.block) : undefined;
  for (let from = 0; from < confidence.length; from += k.block) {
    const to = Math.min(confidence.length, from + k.block);
    conf.set(confidence.subarray(from, to));
    flags?.set(correct!.subarray(from, to));
    if (pass(to - from) === false) return;
  }
}

/**
 * After a call that grew the memory past KEEP_BYTES: drops the module (the next use compiles a
 * small one, about a millisecond), so a long-lived worker does not keep it; the sums' owner keeps
 * its sums first.
 */
export function shrink(k: CalibrationKernel): void {
  if (k !== current || k.exports.memory.buffer.byteLength <= KEEP_BYTES) return;
  k.owner?.evicted();
  k.owner = undefined;
  current = undefined;
  forgetWasmModule('calibration');
}
