/**
 * Hostile config files (the cases test/hostile.test.ts checks for correctness): time from didOpen to
 * the first publishDiagnostics, for RLHF Lens and, side by side, the Red Hat YAML language server
 * validating the same file with our JSON Schema. Needs `npm run build` first.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspClient, ROOT } from '../test/support/lsp';

const header = 'apiVersion: rlhf-lens/v1\nkind: Pipeline\nmetadata: {name: hostile}\n';
const cases: [string, string][] = [
  ['billion laughs (alias bomb)', fs.readFileSync(path.join(ROOT, 'test', 'hostile', 'billion-laughs.pipeline.yaml'), 'utf8')],
  ['deep nesting (20,000 levels)', header + 'stages: ' + '['.repeat(20_000) + ']'.repeat(20_000) + '\n'],
  ['huge file (6 MB)', header + 'stages:\n' + '  - {id: s, phase: training, run: "python train.py"}\n'.repeat(120_000)],
  ['a thousand documents', (header + 'stages: []\n---\n').repeat(1000)],
  ['a 2 MB line', header + 'description: "' + 'x'.repeat(2_000_000) + '"\nstages: []\n'],
];

type Server = 'rlhf-lens' | 'yaml-language-server';

async function openMs(server: Server, file: string, text: string, dir: string): Promise<number | string> {
  const schema = pathToFileURL(path.join(ROOT, 'schemas', 'pipeline.schema.json')).toString();
  const yamlSettings = { validate: true, schemas: { [schema]: ['*.pipeline.yaml'] } };
  const client =
    server === 'rlhf-lens'
      ? await LspClient.start({ rootPath: dir })
      : await LspClient.start({
          rootPath: dir,
          command: [path.join(ROOT, 'node_modules', 'yaml-language-server', 'bin', 'yaml-language-server'), '--stdio'],
          configuration: (section) => (section === 'yaml' ? yamlSettings : section === undefined ? { yaml: yamlSettings } : null),
        });
  try {
    if (server === 'yaml-language-server') await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: { yaml: yamlSettings } });
    const t0 = performance.now();
    // open() names the document by the same URI the diagnostics are published for.
    const uri = pathToFileURL(file).toString();
    const wait = client.diagnostics(uri, () => true, 60_000);
    client.open(file, text, server === 'rlhf-lens' ? 'rlhf-pipeline' : 'yaml');
    await wait;
    return performance.now() - t0;
  } catch (e) {
    return `no answer (${(e as Error).message.split(';')[0]})`;
  } finally {
    await client.stop();
  }
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rlhf-lens-bench-hostile-'));
  console.log('didOpen -> first publishDiagnostics (ms), one fresh server per case');
  console.log('case                              rlhf-lens   yaml-language-server');
  for (const [name, text] of cases) {
    const file = path.join(dir, `${name.replace(/\W+/g, '-')}.pipeline.yaml`);
    fs.writeFileSync(file, text);
    const ours = await openMs('rlhf-lens', file, text, dir);
    const theirs = await openMs('yaml-language-server', file, text, dir);
    const fmt = (v: number | string) => (typeof v === 'number' ? v.toFixed(1) : v);
    console.log(`${name.padEnd(32)} ${fmt(ours).padStart(10)}   ${fmt(theirs)}`);
  }
  fs.rmSync(dir, { recursive: true, force: true });
}

void main();
