/** The one plural helper, and that the sources do not build counted nouns by hand any more. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { noun, plural } from '../server/src/text/plural';
import * as os from 'node:os';
import { ROOT } from './support/lsp';
import { runCli } from './support/cli';

test('plural: singular for one, plural otherwise, regular and given forms', () => {
  assert.equal(plural(1, 'file'), '1 file');
  assert.equal(plural(2, 'file'), '2 files');
  assert.equal(plural(0, 'file'), '0 files');
  assert.equal(plural(1, 'GPU'), '1 GPU');
  assert.equal(plural(8, 'GPU'), '8 GPUs');
  assert.equal(plural(3, 'batch'), '3 batches');
  assert.equal(plural(3, 'epoch'), '3 epochs');
  assert.equal(plural(2, 'entry'), '2 entries');
  assert.equal(plural(2, 'day'), '2 days');
  assert.equal(plural(2, 'datum', { plural: 'data' }), '2 data');
  assert.equal(plural(12345, 'row', { format: (n) => n.toLocaleString('en-US') }), '12,345 rows');
  assert.equal(plural(1.5, 'epoch'), '1.5 epochs');
  assert.equal(noun(1, 'stage'), 'stage');
  assert.equal(noun(-1, 'step'), 'step');
});

/** Hand-made plurals (`n === 1 ? '' : 's'`) are what let "1 files" through: none are left in the sources. */
test('no hand-made plurals left in server, client and webview sources', () => {
  const offenders: string[] = [];
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.ts$/.test(e.name)) {
        fs.readFileSync(p, 'utf8')
          .split('\n')
          .forEach((line, i) => {
            if (/=== 1 \? '' : 's'|!== 1 \? 's' : ''|> 1 \? 's' : ''/.test(line)) offenders.push(`${path.relative(ROOT, p)}:${i + 1}`);
          });
      }
    }
  };
  for (const d of ['server/src', 'client/src', 'webviews/src']) walk(path.join(ROOT, d));
  assert.deepEqual(offenders, []);
});

test('the CLI says "1 file" and "1 row" for one', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rlhf-plural-'));
  try {
    const cfg = path.join(dir, 'one.pipeline.yaml');
    fs.writeFileSync(cfg, 'apiVersion: rlhf-lens/v1\nkind: Pipeline\nmetadata: {name: p}\nstages:\n  - id: a\n    phase: training\n    run: python train.py\n');
    const lint = runCli(['lint', cfg]);
    assert.match(lint.stdout, /^1 file checked: 0 errors, 0 warnings$/m, lint.stdout);
    const data = path.join(dir, 'one.jsonl');
    fs.writeFileSync(data, '{"confidence": 0.9, "correct": 1}\n');
    const analyze = runCli(['analyze', 'calibration', data, '--bins', '2']);
    assert.match(analyze.stdout, /\(jsonl, 1 row\)/, analyze.stdout + analyze.stderr);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
