#!/usr/bin/env node
/**
 * `npm run screenshots`: regenerates the README's and docs' VS Code screenshots (docs/images/vscode-*.png)
 * from the real extension in code-server: builds, runs the end-to-end suite (test/e2e.test.ts) with
 * RLHF_LENS_E2E_DOCS=1, which copies each passing step's screenshot (the activity-bar views, the
 * walkthrough, the wizard, problems, hover, dashboards, ...) into docs/images, then lists what changed.
 * A step that fails keeps its old image; the suite's exit code is this script's.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const images = path.join(root, 'docs', 'images');
const stamp = (f) => fs.statSync(path.join(images, f)).mtimeMs;
const before = new Map(fs.readdirSync(images).filter((f) => f.startsWith('vscode-')).map((f) => [f, stamp(f)]));
const run = (args, env = {}) => spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } }).status ?? 1;
if (run(['esbuild.mjs']) !== 0) process.exit(1);
const code = run(['test/run.mjs', 'e2e.test'], { RLHF_LENS_E2E_DOCS: '1' });
const refreshed = fs.readdirSync(images).filter((f) => f.startsWith('vscode-') && stamp(f) !== before.get(f));
console.log(refreshed.length ? `refreshed: ${refreshed.map((f) => `docs/images/${f}`).join(', ')}` : 'no screenshot refreshed');
process.exit(code);
