/** A restored dashboard's state is untrusted input: only known kinds and views, only files inside the workspace. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { descriptorFromState } from '../client/src/panels/dashboard-descriptor';
import { HostMessage } from '../server/src/protocol/webview';

const ROOT = path.resolve('/work/space');

test('a restored state gives back the dashboard it described', () => {
  const state = { tab: 'evaluation', bins: 20, restore: { kind: 'pipeline', view: 'phases', file: path.join(ROOT, 'p.pipeline.yaml'), stageId: 'train' } };
  assert.deepEqual(descriptorFromState(state, [ROOT]), { kind: 'pipeline', view: 'phases', file: path.join(ROOT, 'p.pipeline.yaml'), stageId: 'train' });
  const drift = descriptorFromState({ restore: { kind: 'drift', view: 'phases', file: 'b.jsonl', reference: 'a.jsonl', column: 'score' } }, [ROOT]);
  assert.deepEqual(drift, { kind: 'drift', view: 'phases', file: path.join(ROOT, 'b.jsonl'), reference: path.join(ROOT, 'a.jsonl'), column: 'score' });
});

test('a state without a descriptor, with an unknown kind or view, or with a file outside the workspace restores nothing', () => {
  assert.match(descriptorFromState(undefined, [ROOT]) as string, /no description/);
  assert.match(descriptorFromState({ tab: 'training' }, [ROOT]) as string, /no description/);
  assert.match(descriptorFromState({ restore: { kind: 'shell', view: 'phases', file: 'a' } }, [ROOT]) as string, /unknown dashboard kind/);
  assert.match(descriptorFromState({ restore: { kind: 'ab', view: 'nope', file: 'a' } }, [ROOT]) as string, /unknown view/);
  assert.match(descriptorFromState({ restore: { kind: 'calibration', view: 'calibration', file: '/etc/passwd' } }, [ROOT]) as string, /not inside the workspace/);
  assert.match(descriptorFromState({ restore: { kind: 'drift', view: 'phases', file: 'b.jsonl', reference: '../../x.jsonl' } }, [ROOT]) as string, /not inside the workspace/);
  assert.match(descriptorFromState({ restore: { kind: 'calibration', view: 'calibration', file: 'a.jsonl' } }, []) as string, /not inside the workspace/);
});

test('setData carries the descriptor through the message contract', () => {
  const restore = { kind: 'calibration', view: 'calibration', file: '/w/a.jsonl' };
  const m = HostMessage({ type: 'setData', view: 'calibration', data: { title: 't', generated_at: '2026-01-01T00:00:00Z' }, restore });
  assert.deepEqual((m as { restore?: unknown }).restore, restore);
  assert.throws(() => HostMessage({ type: 'setData', view: 'calibration', data: { title: 't', generated_at: '2026-01-01T00:00:00Z' }, restore: { file: 3 } }));
});

test('a run comparison restores with every compared run, each inside the workspace', () => {
  const runs = [path.join(ROOT, 'runs/a'), path.join(ROOT, 'runs/b')];
  const state = { restore: { kind: 'compare', view: 'compare', file: runs[0], runs: runs.join('\n') } };
  assert.deepEqual(descriptorFromState(state, [ROOT]), { kind: 'compare', view: 'compare', file: runs[0], runs });
  assert.match(descriptorFromState({ restore: { kind: 'compare', view: 'compare', file: runs[0], runs: `${runs[0]}\n/etc` } }, [ROOT]) as string, /\/etc is not inside the workspace/);
  assert.match(descriptorFromState({ restore: { kind: 'compare', view: 'compare', file: runs[0] } }, [ROOT]) as string, /needs its runs/);
});
