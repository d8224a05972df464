/** Which files a dashboard may open: inside the workspace folders only, whatever the view sends. */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { resolveInWorkspace } from '../client/src/panels/workspace-paths';

const root = path.resolve('/work/project');
const other = path.resolve('/data/shared');

test('paths inside a workspace folder resolve to absolute paths', () => {
  assert.equal(resolveInWorkspace('pipelines/a.pipeline.yaml', [root]), path.join(root, 'pipelines/a.pipeline.yaml'));
  assert.equal(resolveInWorkspace(path.join(root, 'x/../y.yaml'), [root]), path.join(root, 'y.yaml'));
  assert.equal(resolveInWorkspace(path.join(other, 'f.jsonl'), [root, other]), path.join(other, 'f.jsonl'));
  assert.equal(resolveInWorkspace('..foo/bar.yaml', [root]), null, 'refused too: simpler to refuse any leading .. than to tell ..foo from ../');
});

test('traversal, other folders, NUL bytes and empty input are refused', () => {
  assert.equal(resolveInWorkspace('../secrets.yaml', [root]), null);
  assert.equal(resolveInWorkspace('pipelines/../../secrets.yaml', [root]), null);
  assert.equal(resolveInWorkspace('/etc/passwd', [root]), null);
  assert.equal(resolveInWorkspace(`${root}-evil/file.yaml`, [root]), null, 'a sibling folder sharing the prefix is outside');
  assert.equal(resolveInWorkspace('a.yaml\0.png', [root]), null);
  assert.equal(resolveInWorkspace('', [root]), null);
  assert.equal(resolveInWorkspace('a.yaml', []), null, 'no workspace folder, nothing opens');
});
