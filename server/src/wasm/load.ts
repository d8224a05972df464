/**
 * The WebAssembly modules of server/wasm/ (AssemblyScript, built into dist/server/ by `npm run build`
 * and shipped beside the bundles): found beside the running bundle, else in the repository's dist/
 * (tests and tools run from source). Each is compiled once per thread, on first use.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const loaded = new Map<string, WebAssembly.Exports>();

function wasmFile(name: string): string {
  const beside = path.join(__dirname, `${name}.wasm`);
  if (fs.existsSync(beside)) return beside;
  const built = path.resolve(__dirname, '../../../dist/server', `${name}.wasm`);
  if (fs.existsSync(built)) return built;
  throw new Error(`${name}.wasm is missing: run "npm run build"`);
}

/** The module's exports; its memory grown to at least `bytes`. */
export function wasmModule<T>(name: string, bytes = 0): T {
  let exports = loaded.get(name);
  if (!exports) {
    const module = new WebAssembly.Module(fs.readFileSync(wasmFile(name)));
    exports = new WebAssembly.Instance(module, { env: { abort: () => { throw new Error(`${name}.wasm aborted`); } } }).exports;
    loaded.set(name, exports);
  }
  growMemory(exports['memory'] as WebAssembly.Memory, bytes);
  return exports as T;
}

/** Grows a module's memory to at least `bytes` (views of it made before are then detached). */
export function growMemory(memory: WebAssembly.Memory, bytes: number): void {
  const have = memory.buffer.byteLength;
  if (bytes > have) memory.grow(Math.ceil((bytes - have) / 65536));
}

/** Drops a module (its memory is freed once nothing refers to it); the next use compiles it again. */
export function forgetWasmModule(name: string): void {
  loaded.delete(name);
}

/** A numeric constant a module exports (an exported global). */
export function wasmConstant(exports: WebAssembly.Exports, name: string): number {
  const g = exports[name];
  return g instanceof WebAssembly.Global ? Number(g.value) : Number(g);
}
