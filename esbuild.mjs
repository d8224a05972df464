// Builds every bundle of RLHF Lens in one command.
//   node esbuild.mjs            development build (source maps)
//   node esbuild.mjs --watch    rebuild on change
//   node esbuild.mjs --production  no source maps, webviews minified too (used by `npm run package`)
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.dirname(new URL(import.meta.url).pathname);
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

const common = {
  bundle: true,
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  define: { __RLHF_LENS_VERSION__: JSON.stringify(pkg.version) },
};

const exists = (p) => fs.existsSync(path.join(root, p));

/** Node bundles: the extension client, the language server, the CLI and the analysis worker. */
const nodeEntries = [
  ['client/src/extension.ts', 'dist/client/extension.js'],
  ['server/src/server-main.ts', 'dist/server/server.js'],
  ['server/src/cli/bin.ts', 'dist/server/cli.js'],
  ['server/src/engine/worker-main.ts', 'dist/server/worker.js'],
].filter(([src]) => exists(src));

/** Browser bundles: one per dashboard view (webviews/src/<view>/main.ts). */
const webviewEntries = exists('webviews/src')
  ? fs
      .readdirSync(path.join(root, 'webviews/src'), { withFileTypes: true })
      .filter((d) => d.isDirectory() && exists(`webviews/src/${d.name}/main.ts`))
      .map((d) => [`webviews/src/${d.name}/main.ts`, `dist/webviews/${d.name}.js`])
  : [];

const configs = [
  ...nodeEntries.map(([src, out]) => ({
    ...common,
    // Minified in every build: start-up reads and compiles the whole bundle (the CLI's 4.8 MB took
    // about 90 ms before its first line ran, 2.4 MB about 45 ms), and so does each analysis worker.
    // Stack traces map back through the linked source map (node --enable-source-maps).
    minify: true,
    entryPoints: [path.join(root, src)],
    outfile: path.join(root, out),
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    // The engine's native binary stays outside the bundles (loaded from node_modules, or absent: see
    // engine/duckdb/engine.ts); its JavaScript API is bundled, which loads in a fifth of the time.
    external: ['vscode', '@duckdb/node-bindings'],
    // import() becomes require(): bin/rlhf-lens.js runs the CLI bundle through vm.Script (its compile
    // cache), where a real dynamic import would need Node's experimental vm loader.
    supported: { 'dynamic-import': false },
    // sql.js and its wasm are loaded at run time from beside the bundle.
    mainFields: ['module', 'main'],
  })),
  ...webviewEntries.map(([src, out]) => ({
    ...common,
    entryPoints: [path.join(root, src)],
    outfile: path.join(root, out),
    platform: 'browser',
    target: 'es2022',
    format: 'iife',
  })),
];

function copyAssets() {
  const wasm = path.join(root, 'node_modules/sql.js/dist/sql-wasm.wasm');
  fs.mkdirSync(path.join(root, 'dist/server'), { recursive: true });
  if (fs.existsSync(wasm)) fs.copyFileSync(wasm, path.join(root, 'dist/server/sql-wasm.wasm'));
  const css = path.join(root, 'webviews/src/styles.css');
  if (fs.existsSync(css)) {
    fs.mkdirSync(path.join(root, 'dist/webviews'), { recursive: true });
    fs.copyFileSync(css, path.join(root, 'dist/webviews/styles.css'));
  }
}

/**
 * The WebAssembly modules (server/wasm/*.ts, AssemblyScript) into dist/server/, when their source is
 * newer than the built file.
 */
async function buildWasm() {
  const dir = path.join(root, 'server/wasm');
  if (!fs.existsSync(dir)) return;
  const sources = fs.readdirSync(dir).filter((f) => f.endsWith('.ts'));
  const stale = sources.filter((f) => {
    const out = path.join(root, 'dist/server', f.replace(/\.ts$/, '.wasm'));
    return !fs.existsSync(out) || fs.statSync(out).mtimeMs < fs.statSync(path.join(dir, f)).mtimeMs;
  });
  if (stale.length === 0) return;
  const asc = (await import('assemblyscript/asc')).default;
  for (const f of stale) {
    const out = path.join('dist/server', f.replace(/\.ts$/, '.wasm'));
    // No runtime or GC (the modules use raw memory only), no assertions, optimised.
    const { error, stderr } = await asc.main([path.join('server/wasm', f), '-O3', '--runtime', 'stub', '--noAssert', '--initialMemory', '2', '--outFile', out], { stdout: process.stdout, stderr: process.stderr });
    if (error) throw new Error(`AssemblyScript failed on server/wasm/${f}: ${error.message}\n${stderr.toString()}`);
  }
}

copyAssets();
await buildWasm();
if (watch) {
  for (const c of configs) {
    const ctx = await esbuild.context(c);
    await ctx.watch();
  }
  console.log(`watching ${configs.length} bundles...`);
} else {
  const started = Date.now();
  await Promise.all(configs.map((c) => esbuild.build(c)));
  console.log(`built ${configs.length} bundles in ${Date.now() - started} ms${production ? ' (production)' : ''}`);
}
