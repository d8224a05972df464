#!/usr/bin/env node
'use strict';
// Entry point of the `rlhf-lens` command; the bundle is built by `npm run build`.
const path = require('node:path');
const fs = require('node:fs');
const cli = path.join(__dirname, '..', 'dist', 'server', 'cli.js');
if (!fs.existsSync(cli)) {
  process.stderr.write('rlhf-lens: the CLI is not built yet; run "npm run build" first.\n');
  process.exit(2);
}

// Compiling the bundle (2.4 MB, minified) is much of a small command's start-up: V8's
// code cache of it is kept in the user's cache folder and reused while the bundle is unchanged.
// Node 22+ does this itself (module.enableCompileCache); on Node 20 the bundle is compiled through
// vm.Script with cachedData, as node does it. NODE_DISABLE_COMPILE_CACHE=1 turns it off; any failure
// falls back to a plain require.
function cacheDir() {
  const os = require('node:os');
  const base = process.platform === 'win32' ? process.env.LOCALAPPDATA || os.tmpdir() : process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'rlhf-lens', 'compile-cache');
}

/** The bundle compiled with its code cache, ready to run; undefined where that is not possible. */
function compiled() {
  const Module = require('node:module');
  if (typeof Module.enableCompileCache === 'function') {
    Module.enableCompileCache(cacheDir());
    return undefined;
  }
  const vm = require('node:vm');
  const st = fs.statSync(cli);
  const dir = cacheDir();
  const cacheFile = path.join(dir, `cli-${process.version}-${process.arch}-${st.size}-${Math.round(st.mtimeMs)}.bin`);
  let cachedData;
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  // No importModuleDynamically: the bundle holds no import() (esbuild.mjs turns them into require()).
  const script = new vm.Script(Module.wrap(fs.readFileSync(cli, 'utf8')), { filename: cli, cachedData });
  const mod = new Module(cli, module);
  mod.filename = cli;
  mod.paths = Module._nodeModulePaths(path.dirname(cli));
  if (!cachedData || script.cachedDataRejected) {
    // Written once the command is done, so the functions it compiled are in the cache too.
    process.once('beforeExit', () => {
      try {
        fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
        for (const old of fs.readdirSync(dir)) if (old.startsWith('cli-') && old !== path.basename(cacheFile)) fs.rmSync(path.join(dir, old), { force: true });
        const tmp = `${cacheFile}.${process.pid}.tmp`;
        fs.writeFileSync(tmp, script.createCachedData(), { mode: 0o600 });
        fs.renameSync(tmp, cacheFile);
      } catch {
        // A cache that cannot be written only costs the next start-up its compile time.
      }
    });
  }
  const run = script.runInThisContext();
  return () => run.call(mod.exports, mod.exports, Module.createRequire(cli), mod, cli, path.dirname(cli));
}

let start;
if (process.env.NODE_DISABLE_COMPILE_CACHE !== '1') {
  try {
    start = compiled();
  } catch {
    start = undefined;
  }
}
// Outside the try: an error of the command itself is not a reason to run it twice.
if (start) start();
else require(cli);
