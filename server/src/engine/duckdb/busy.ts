/**
 * When a thread running DuckDB may be stopped. Terminating a worker thread (or exiting the process)
 * while one of the addon's asynchronous calls is in flight in it (a query, a chunk fetch, opening the
 * database) aborts the WHOLE process: the call completes into a torn-down environment and the addon
 * throws a C++ Napi::Error nothing catches ("terminate called after throwing an instance of
 * 'Napi::Error'", measured with @duckdb/node-api 1.5.6, and by test/engine-worker-stop.test.ts).
 * Terminating a thread whose DuckDB is idle is safe, and so is interrupting a query
 * (`DuckDBConnection.interrupt()`) and terminating once its promise has settled.
 *
 * So every call into the addon goes through `busy()`, which counts it in a gate: an Int32 that the
 * analysis worker shares (a SharedArrayBuffer) with the thread that owns it (engine/jobs.ts). The owner
 * stops a worker only after `closeGate` succeeds: no call in flight, and none can start after it.
 * That is an atomic compare-and-swap, so it holds even while the worker's JavaScript is busy (the
 * JSONL byte scan runs beside the query) and cannot answer a message. In the CLI (main thread) the
 * gate is a private counter nobody closes.
 */

/** The gate's value once closed: the thread is being stopped and refuses new calls. */
const CLOSED = -1;

let gate: Int32Array = new Int32Array(1);
/** Set by `refuseEngineCalls` (a cancelled job): no new call starts in this thread. */
let refusing = false;

export class EngineStoppedError extends Error {
  override name = 'EngineStoppedError';
}

/** A worker's gate, shared with its owner (worker-main.ts, from workerData). */
export function useGate(shared: Int32Array): void {
  gate = shared;
}

/** A new gate for a worker to be started (its owner keeps it to call closeGate on). */
export function newGate(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(4));
}

/** Runs one call into the addon, counted in the gate while it is in flight. */
export async function busy<T>(call: () => Promise<T>): Promise<T> {
  for (;;) {
    const n = Atomics.load(gate, 0);
    if (n === CLOSED || refusing) throw new EngineStoppedError('the analysis was stopped');
    if (Atomics.compareExchange(gate, 0, n, n + 1) === n) break;
  }
  try {
    return await call();
  } finally {
    Atomics.sub(gate, 0, 1);
    Atomics.notify(gate, 0);
  }
}

/** From now on every call fails at once (a cancelled job's worker, before it is stopped). */
export function refuseEngineCalls(): void {
  refusing = true;
}

/** Calls in flight (0 when idle or closed). */
export function callsInFlight(g: Int32Array): number {
  return Math.max(0, Atomics.load(g, 0));
}

/** Closes the gate if no call is in flight: then the thread may be terminated. */
export function closeGate(g: Int32Array): boolean {
  const n = Atomics.compareExchange(g, 0, 0, CLOSED);
  return n === 0 || n === CLOSED;
}

/** Resolves once the gate has changed from `seen` or `ms` have passed (the owner's wait between closeGate attempts). */
export function gateChanged(g: Int32Array, seen: number, ms: number): Promise<unknown> {
  // Node >= 16 has Atomics.waitAsync; TypeScript's lib has it from es2024 only.
  const w = (Atomics as unknown as { waitAsync(a: Int32Array, i: number, v: number, ms: number): { async: boolean; value: Promise<unknown> | string } }).waitAsync(g, 0, seen, ms);
  return w.async ? (w.value as Promise<unknown>) : Promise.resolve();
}

/** Blocks this thread until the gate closes or `ms` pass (process exit, where nothing asynchronous runs any more). */
export function closeGateSync(g: Int32Array, ms: number): boolean {
  const until = Date.now() + ms;
  for (;;) {
    if (closeGate(g)) return true;
    const left = until - Date.now();
    if (left <= 0) return false;
    Atomics.wait(g, 0, Atomics.load(g, 0), Math.min(left, 50));
  }
}
