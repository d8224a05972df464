/** The walkthrough and views contributions are complete, and "Declare Your Hardware" edits .rlhf-lens.yaml safely. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { ROOT } from './support/lsp';
import { withHardware } from '../server/src/config/project-hardware';

const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const commands = new Set<string>(pkg.contributes.commands.map((c: { command: string }) => c.command));
const BUILTIN = new Set(['vscode.openFolder']);

test('every walkthrough step has markdown that exists, a completion event, and buttons for commands that exist', () => {
  const [walk] = pkg.contributes.walkthroughs;
  assert.equal(walk.id, 'rlhfLens.gettingStarted');
  assert.deepEqual(
    walk.steps.map((s: { id: string }) => s.id),
    ['open', 'problem', 'dashboard', 'analyze', 'hardware', 'check'],
  );
  for (const step of walk.steps) {
    assert.ok(step.completionEvents?.length, `${step.id} has no completion event`);
    const media = step.media.markdown ?? step.media.image;
    assert.ok(fs.existsSync(path.join(ROOT, media)), `${step.id}: ${media} is missing`);
    for (const m of step.description.matchAll(/\(command:([\w.]+)\)/g)) {
      const id = m[1]!;
      assert.ok(commands.has(id) || BUILTIN.has(id) || /^rlhfLens\.\w+\.focus$/.test(id), `${step.id}: unknown command ${id}`);
    }
    for (const e of step.completionEvents) {
      const cmd = /^onCommand:(.*)$/.exec(e)?.[1];
      if (cmd) assert.ok(commands.has(cmd) || BUILTIN.has(cmd) || cmd.startsWith('workbench.'), `${step.id}: completion on unknown command ${cmd}`);
    }
  }
  // The .vsix must carry the media.
  assert.match(fs.readFileSync(path.join(ROOT, '.vscodeignore'), 'utf8'), /^!resources\/\*\*$/m);
});

test('the RLHF Lens container holds the three views, each with welcome content', () => {
  assert.deepEqual(pkg.contributes.viewsContainers.activitybar.map((c: { id: string }) => c.id), ['rlhfLens']);
  assert.ok(fs.existsSync(path.join(ROOT, pkg.contributes.viewsContainers.activitybar[0].icon)));
  const ids = pkg.contributes.views.rlhfLens.map((v: { id: string }) => v.id);
  for (const id of ['rlhfLens.configs', 'rlhfLens.dataFiles', 'rlhfLens.checks']) {
    assert.ok(ids.includes(id), `${id} is not in the container`);
    assert.ok(pkg.contributes.viewsWelcome.some((w: { view: string }) => w.view === id), `${id} has no welcome content`);
  }
  for (const w of pkg.contributes.viewsWelcome) for (const m of w.contents.matchAll(/\(command:([\w.]+)\)/g)) assert.ok(commands.has(m[1]!) || BUILTIN.has(m[1]!), `welcome: unknown command ${m[1]}`);
});

test('declare hardware: a new .rlhf-lens.yaml, or hardware set in an existing one keeping its rules and comments', () => {
  const fresh = withHardware(undefined, { gpus: 8, gpu_memory: '80GB', gpu: 'A100' });
  assert.deepEqual(parse(fresh), { hardware: { gpus: 8, gpu_memory: '80GB', gpu: 'A100' } });
  const existing = '# team settings\nrules:\n  training/learning-rate: off # we sweep\nhardware: {gpus: 1, gpu_memory: 24GB, gpu: L4}\n';
  const updated = withHardware(existing, { gpus: 4, gpu_memory: '48GB', gpu: 'RTX 4090' });
  assert.deepEqual(parse(updated), { rules: { 'training/learning-rate': 'off' }, hardware: { gpus: 4, gpu_memory: '48GB', gpu: 'RTX 4090' } });
  assert.match(updated, /# team settings/);
  assert.match(updated, /# we sweep/);
  assert.throws(() => withHardware('- a\n- b\n', { gpus: 1, gpu_memory: '16GB', gpu: 'T4' }), /not a mapping/);
  assert.throws(() => withHardware('a: [1\n', { gpus: 1, gpu_memory: '16GB', gpu: 'T4' }), /not valid YAML/);
});
