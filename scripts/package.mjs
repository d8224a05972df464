#!/usr/bin/env node
/**
 * Builds one .vsix per platform (`vsce package --target T`), each carrying the DuckDB engine's native
 * binary for T: @duckdb/node-bindings (+ detect-libc) and @duckdb/node-bindings-T are staged into
 * dist/server/node_modules/, where the server and worker bundles resolve them (the engine's JavaScript
 * API, @duckdb/node-api, is inside the bundles). A binary not
 * installed here (another platform's) is fetched with `npm pack` from the registry.
 *
 *   npm run package                          every supported target
 *   npm run package -- linux-x64 darwin-arm64
 *   npm run package -- --universal           one .vsix without the engine (built-in readers only)
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** VS Code target -> the @duckdb/node-bindings-* package with its binary. */
export const TARGETS = {
  'linux-x64': 'linux-x64',
  'linux-arm64': 'linux-arm64',
  'alpine-x64': 'linux-x64-musl',
  'alpine-arm64': 'linux-arm64-musl',
  'darwin-x64': 'darwin-x64',
  'darwin-arm64': 'darwin-arm64',
  'win32-x64': 'win32-x64',
  'win32-arm64': 'win32-arm64',
};
const STAGE = path.join(ROOT, 'dist', 'server', 'node_modules');

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

function copyPackage(name, into = STAGE) {
  const src = path.join(ROOT, 'node_modules', name);
  if (!fs.existsSync(src)) return false;
  fs.cpSync(src, path.join(into, name), { recursive: true, dereference: true });
  return true;
}

function stageBinding(pkg, version) {
  if (copyPackage(pkg)) return;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rlhf-pack-'));
  const file = run('npm', ['pack', `${pkg}@${version}`, '--silent', '--pack-destination', tmp]).trim().split('\n').pop();
  const dest = path.join(STAGE, pkg);
  fs.mkdirSync(dest, { recursive: true });
  run('tar', ['-xzf', path.join(tmp, file), '-C', dest, '--strip-components=1']);
  fs.rmSync(tmp, { recursive: true, force: true });
}

const vsce = path.join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');
const args = process.argv.slice(2);
run(process.execPath, ['esbuild.mjs', '--production']);
const version = JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', '@duckdb', 'node-bindings', 'package.json'), 'utf8')).version;
const targets = args.includes('--universal') ? [] : args.length ? args : Object.keys(TARGETS);
try {
  if (args.includes('--universal')) {
    fs.rmSync(STAGE, { recursive: true, force: true });
    run(process.execPath, [vsce, 'package', '--no-dependencies', '--out', 'dist/rlhf-lens.vsix']);
    console.log('dist/rlhf-lens.vsix (no engine)');
  }
  for (const target of targets) {
    const binding = TARGETS[target];
    if (!binding) throw new Error(`unknown target ${target} (one of ${Object.keys(TARGETS).join(', ')})`);
    fs.rmSync(STAGE, { recursive: true, force: true });
    fs.mkdirSync(STAGE, { recursive: true });
    for (const p of ['@duckdb/node-bindings', 'detect-libc']) if (!copyPackage(p)) throw new Error(`${p} is not installed (npm ci)`);
    stageBinding(`@duckdb/node-bindings-${binding}`, version);
    const out = `dist/rlhf-lens-${target}.vsix`;
    run(process.execPath, [vsce, 'package', '--no-dependencies', '--target', target, '--out', out]);
    console.log(`${out} (engine: @duckdb/node-bindings-${binding}@${version})`);
  }
} finally {
  fs.rmSync(STAGE, { recursive: true, force: true });
}
