/**
 * The dashboards' extension-host side only forwards: the dashboard commands and panels read no
 * config or data files and pull in no YAML parser, statistics or engine. Checked on the import
 * graph of their sources (every module reachable from them).
 *
 * Not yet true of the whole client: the training wizard and "Declare Your Hardware"
 * (client/src/wizard/, client/src/views/walkthrough.ts) edit YAML and files in the extension host;
 * see docs/architecture.md.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT } from './support/lsp';

function reachable(entry: string): Map<string, string[]> {
  const seen = new Map<string, string[]>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    const text = fs.readFileSync(file, 'utf8');
    // `import type` is erased by the build, so it brings nothing into the client bundle.
    const specs = [...text.matchAll(/^\s*(?:import|export)\s(?!type\s)[^;]*?from\s+'([^']+)'/gms)].map((m) => m[1]!);
    seen.set(file, specs);
    for (const s of specs) {
      if (!s.startsWith('.')) continue;
      const base = path.resolve(path.dirname(file), s);
      const found = [`${base}.ts`, path.join(base, 'index.ts')].find((f) => fs.existsSync(f));
      if (found) visit(found);
    }
  };
  visit(entry);
  return seen;
}

const DASHBOARD_SIDE = ['client/src/commands/dashboards.ts', 'client/src/panels/dashboard-panel.ts', 'client/src/panels/dashboard-restore.ts', 'client/src/commands/run-check.ts'];

test('no module reachable from the dashboard commands and panels imports a YAML parser, the file system, the engine, ingest or the report builder', () => {
  const graph = new Map<string, string[]>();
  for (const f of DASHBOARD_SIDE) for (const [k, v] of reachable(path.join(ROOT, f))) graph.set(k, v);
  assert.ok(graph.size > 5);
  const problems: string[] = [];
  for (const [file, specs] of graph) {
    const rel = path.relative(ROOT, file);
    for (const s of specs) {
      if (s === 'yaml' || s === 'node:fs' || s === 'fs' || s === 'node:fs/promises') problems.push(`${rel} imports ${s}`);
    }
    if (/^server\/src\/(engine|ingest|report\/dashboard-data|report\/single|workspace|analysis\/(?!types))/.test(rel)) problems.push(`${rel} is reachable from the client`);
  }
  assert.deepEqual(problems, []);
});
