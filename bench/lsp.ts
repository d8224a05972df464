/**
 * Time from didChange to publishDiagnostics for a 1,000- and a 20,000-line pipeline (median and p95 of
 * 50 edits), first-open time and server memory, for RLHF Lens and, side by side, for the Red Hat YAML
 * language server (npm yaml-language-server) validating the same file with our JSON Schema.
 * Needs `npm run build` first.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspClient, ROOT } from '../test/support/lsp';
import { benchPipeline as pipeline } from './pipeline-text';

const EDITS = 50;

function rssMiB(pid: number): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    return kb / 1024;
  } catch {
    return NaN;
  }
}

function quantile(xs: number[], q: number): number {
  const s = xs.slice().sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  return s[lo]! + (s[Math.min(lo + 1, s.length - 1)]! - s[lo]!) * (pos - lo);
}

interface Measure {
  server: string;
  lines: number;
  openMs: number;
  median: number;
  p95: number;
  rss: number;
  diagnostics: number;
}

type Server = 'rlhf-lens' | 'rlhf-lens (25 ms debounce)' | 'yaml-language-server';

async function measure(server: Server, text: string, dir: string): Promise<Measure> {
  const file = path.join(dir, `bench-${text.length}.pipeline.yaml`);
  fs.writeFileSync(file, text);
  const schema = pathToFileURL(path.join(ROOT, 'schemas', 'pipeline.schema.json')).toString();
  const yamlSettings = { validate: true, hover: true, completion: true, schemas: { [schema]: ['*.pipeline.yaml'] } };
  const client =
    server !== 'yaml-language-server'
      ? // Debounce 0 measures the work itself; the default rlhfLens.validation.debounceMs (25 ms) is what a user feels.
        await LspClient.start({ rootPath: dir, configuration: (section) => (section === 'rlhfLens' ? { validation: { debounceMs: server === 'rlhf-lens' ? 0 : 25 } } : null) })
      : await LspClient.start({
          rootPath: dir,
          command: [path.join(ROOT, 'node_modules', 'yaml-language-server', 'bin', 'yaml-language-server'), '--stdio'],
          configuration: (section) => (section === 'yaml' ? yamlSettings : section === undefined ? { yaml: yamlSettings } : null),
        });
  try {
    if (server === 'yaml-language-server') {
      await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: { yaml: yamlSettings } });
    }
    const t0 = performance.now();
    const first = await client.openAndWait(file, text, server === 'yaml-language-server' ? 'yaml' : 'rlhf-pipeline');
    const openMs = performance.now() - t0;
    const uri = pathToFileURL(file).toString();
    const times: number[] = [];
    let current = text;
    for (let i = 0; i < EDITS; i++) {
      // A small edit in the middle of the file, as typing would make.
      const at = current.indexOf('retries: 1', Math.floor(current.length / 2));
      const before = current;
      current = current.slice(0, at) + `retries: ${(i % 3) + 1}` + current.slice(at + 'retries: 1'.length);
      current = current.replace(/retries: [23]\n/, 'retries: 1\n');
      const start = performance.now();
      const wait = client.diagnostics(uri, () => true, 30_000);
      // An incremental change (a range and its text), as VS Code sends it; both servers declare incremental sync.
      client.changeIncremental(uri, before, current);
      await wait;
      times.push(performance.now() - start);
    }
    return { server, lines: text.split('\n').length, openMs, median: quantile(times, 0.5), p95: quantile(times, 0.95), rss: rssMiB(client.proc.pid!), diagnostics: first.length };
  } finally {
    await client.stop();
  }
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rlhf-lens-bench-'));
  const rows: Measure[] = [];
  // RLHF_LENS_BENCH_LINES=1000,20000 picks the sizes (default 100, 1,000 and 20,000 lines).
  const sizes = (process.env['RLHF_LENS_BENCH_LINES'] ?? '100,1000,20000').split(',').map(Number).filter((n) => n > 0);
  for (const n of sizes) {
    const text = pipeline(n);
    for (const server of ['rlhf-lens', 'rlhf-lens (25 ms debounce)', 'yaml-language-server'] as const) rows.push(await measure(server, text, dir));
  }
  console.log(`didChange -> publishDiagnostics, ${EDITS} edits each (ms, RLHF Lens without its 25 ms typing debounce); first open (ms); server RSS after edits (MiB)`);
  console.log('server                       lines   open    median   p95      RSS    diagnostics');
  for (const r of rows) {
    console.log(
      `${r.server.padEnd(28)} ${String(r.lines).padStart(6)} ${r.openMs.toFixed(1).padStart(7)} ${r.median.toFixed(2).padStart(8)} ${r.p95.toFixed(2).padStart(8)} ${r.rss.toFixed(0).padStart(6)}   ${r.diagnostics}`,
    );
  }
  for (const n of sizes) {
    const near = (server: Server) => rows.find((r) => r.server === server && Math.abs(r.lines - n) < n * 0.1)!;
    const theirs = near('yaml-language-server');
    console.log(
      `ratio at ~${n} lines (yaml-language-server / rlhf-lens, median): ${(theirs.median / near('rlhf-lens').median).toFixed(1)}x without debounce, ${(theirs.median / near('rlhf-lens (25 ms debounce)').median).toFixed(1)}x with the 25 ms debounce`,
    );
  }
  fs.rmSync(dir, { recursive: true, force: true });
}

void main();
