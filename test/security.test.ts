/**
 * Security properties, each checked on the real artefact: the dashboard page's CSP, the shipped
 * webview bundles, the validation of messages from a view, and the language server's refusal to
 * read outside the workspace folders or to run anything in an untrusted workspace.
 * (Path resolution of a view's openFile is in webview-paths.test.ts; script injection through
 * report data in headless chromium is in webview-report.test.ts.)
 */
import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LspClient, ROOT } from './support/lsp';
import { runCli } from './support/cli';
import { buildDashboardHtml, contentSecurityPolicy, type DashboardPage } from '../server/src/report/html';
import { parseViewMessage, VIEWS } from '../server/src/protocol/webview';
import { MessageError } from '../server/src/protocol/check';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rlhf-security-'));
const workspace = path.join(tmp, 'workspace');
const outside = path.join(tmp, 'outside');
const row = '{"chosen_score": 1.5, "rejected_score": 0.5}\n{"chosen_score": 0.2, "rejected_score": 0.9}\n';

/** The directives of a CSP string, by name. */
function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((parts) => parts[0])
      .map(([name, ...values]) => [name!, values]),
  );
}

const linked: DashboardPage = {
  view: 'calibration',
  title: 'Calibration <of> "x"',
  nonce: 'c2VjdXJpdHktdGVzdC1ub25jZQ==',
  assets: { kind: 'linked', scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webviews/calibration.js', styleUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webviews/styles.css', cspSource: 'https://*.vscode-cdn.net' },
};

test('CSP of the dashboard page in VS Code: nonce-only scripts, nothing inline, no eval, no network', () => {
  const html = buildDashboardHtml(linked);
  const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html);
  assert.ok(meta, 'the page carries its CSP');
  const csp = directives(meta[1]!);
  assert.deepEqual(csp.get('default-src'), ["'none'"]);
  assert.deepEqual(csp.get('script-src'), [`'nonce-${linked.nonce}'`], 'scripts only with the nonce: no unsafe-inline, no unsafe-eval, no host');
  assert.deepEqual(csp.get('connect-src'), ["'none'"], 'no fetch/XHR/WebSocket anywhere');
  assert.deepEqual(csp.get('form-action'), ["'none'"]);
  assert.deepEqual(csp.get('base-uri'), ["'none'"]);
  for (const [name, values] of csp) {
    for (const v of values) {
      assert.ok(!/unsafe-(inline|eval)|^\*$|^https?:$|^http:\/\//.test(v), `${name} allows ${v}`);
      assert.ok(["'none'", `'nonce-${linked.nonce}'`, 'data:', 'blob:', linked.assets.kind === 'linked' ? linked.assets.cspSource : ''].includes(v), `${name}: unexpected source ${v}`);
    }
  }
  // Every script element carries the nonce; the title is escaped.
  const scripts = html.match(/<script\b[^>]*>/g) ?? [];
  assert.ok(scripts.length > 0);
  for (const s of scripts) assert.match(s, new RegExp(`nonce="${linked.nonce.replace(/[+/=]/g, '\\$&')}"`));
  assert.ok(!html.includes('<of>'), 'the title is HTML-escaped');
});

test('CSP of a standalone report: inline bundle allowed by nonce only, no sources at all beyond data:/blob: images', () => {
  const page: DashboardPage = { ...linked, assets: { kind: 'inline', script: 'void 0', style: 'body{}', theme: 'auto', data: { type: 'setData', view: 'calibration', data: {} as never } } };
  const csp = directives(contentSecurityPolicy(page));
  assert.deepEqual(csp.get('script-src'), [`'nonce-${linked.nonce}'`]);
  assert.deepEqual(csp.get('style-src'), [`'nonce-${linked.nonce}'`]);
  assert.deepEqual(csp.get('img-src'), ['data:', 'blob:']);
  assert.deepEqual(csp.get('connect-src'), ["'none'"]);
});

test('a weak or missing nonce is refused when the page is built', () => {
  for (const nonce of ['', 'short', 'has spaces in it!!!!', '"><script>alert(1)</script>']) {
    assert.throws(() => buildDashboardHtml({ ...linked, nonce }), /nonce must be at least 16 base64 or hex characters/);
  }
});

test('shipped webview bundles contain no eval and no Function constructor beyond the global-object fallback CSP blocks', { skip: !fs.existsSync(path.join(ROOT, 'dist', 'webviews')) && 'run npm run build first' }, () => {
  const bundles = fs.readdirSync(path.join(ROOT, 'dist', 'webviews')).filter((f) => f.endsWith('.js'));
  // The dashboard views and the training wizard (webviews/src/wizard, not a dashboard view).
  assert.deepEqual(bundles.map((f) => f.replace(/\.js$/, '')).sort(), [...VIEWS, 'wizard'].sort());
  for (const b of bundles) {
    const code = fs.readFileSync(path.join(ROOT, 'dist', 'webviews', b), 'utf8');
    assert.equal(code.match(/\beval\s*\(/g), null, `${b} calls eval`);
    assert.equal(code.match(/setTimeout\(\s*["'`]/g), null, `${b} passes a string to setTimeout`);
    // FAST's globalThis polyfill: reached only where neither globalThis, self nor window exist, and
    // under this CSP it throws and falls back to {}. Any other use is a finding.
    const ctor = code.match(/new Function\([^)]*\)/g) ?? [];
    for (const c of ctor) assert.equal(c, 'new Function("return this")', `${b}: ${c}`);
    assert.ok(!/https?:\/\/(?!www\.w3\.org\/)[a-z0-9.-]+\.[a-z]{2,}\/[^"'\s]*\.(js|css|woff2?)\b/i.test(code), `${b} references a remote script, style or font`);
  }
});

test('the Node bundles (server, worker, CLI, client) contain no eval and no Function constructor beyond apache-arrow\'s builder check', { skip: !fs.existsSync(path.join(ROOT, 'dist', 'server', 'server.js')) && 'run npm run build first' }, () => {
  const bundles = ['dist/server/server.js', 'dist/server/worker.js', 'dist/server/cli.js', 'dist/client/extension.js'];
  for (const b of bundles) {
    const code = fs.readFileSync(path.join(ROOT, b), 'utf8');
    assert.equal(code.match(/\beval\s*\(/g), null, `${b} calls eval`);
    // apache-arrow's builders compile a null-value check (builder/valid.mjs); only Arrow writing
    // reaches it, and we only read Arrow files. Any other Function constructor is a finding
    // (Ajv's run-time compile was one, until the validators were generated ahead of time).
    for (const m of code.matchAll(/new Function\s*\(/g)) {
      const call = code.slice(m.index, m.index + 60);
      assert.match(call, /^new Function\("x",`\$\{\w+\}\nreturn true;`\)/, `${b}: ${call}`);
    }
  }
});

test('messages from a view: unknown types, extra fields, wrong types and smuggled paths are rejected', () => {
  const rejected: unknown[] = [
    { type: 'runCommand', command: 'workbench.action.terminal.new' },
    { type: 'openFile', path: 42 },
    { type: 'openFile', path: 'a.yaml', command: 'rm -rf' },
    { type: 'rerun', analysis: 'ab', options: { bins: 10 } },
    { type: 'rerun', analysis: 'calibration', options: { bins: 10, path: '/etc/passwd' } },
    { type: 'rerun', analysis: 'calibration', options: { bins: 1e9 } },
    { type: 'rerun', analysis: 'calibration', path: '/etc/passwd', options: { bins: 10 } },
    { type: 'exportPng', name: 'x', dataUrl: 'javascript:alert(1)' },
    { type: 'exportPng', name: 'x', dataUrl: 'data:text/html;base64,PHNjcmlwdD4=' },
    { type: 'ready', view: '../../etc' },
    null,
    'openFile',
    [],
  ];
  for (const m of rejected) assert.throws(() => parseViewMessage(m), MessageError, JSON.stringify(m));
  // The only path a view can send is openFile's, which the host resolves inside the workspace (webview-paths.test.ts).
  assert.deepEqual(parseViewMessage({ type: 'openFile', path: 'pipelines/a.yaml', range: { line: 3 } }), { type: 'openFile', path: 'pipelines/a.yaml', range: { line: 3 } });
});

let client: LspClient;
const analyze = (p: string, options?: Record<string, unknown>) => client.request<{ result: { n: number } }>('rlhfLens/analyze', { analysis: 'calibration', path: p, ...(options ? { options } : {}) });
const refusedOutside = (file: string) => (e: { code: number; message: string }) => {
  assert.equal(e.code, 1001, e.message);
  assert.equal(e.message, `${file} is outside the workspace folders: RLHF Lens reads data only inside them`);
  return true;
};

before(async () => {
  fs.mkdirSync(path.join(workspace, 'data'), { recursive: true });
  fs.mkdirSync(outside, { recursive: true });
  fs.writeFileSync(path.join(workspace, 'data', 'pairs.jsonl'), row);
  fs.writeFileSync(path.join(outside, 'secret.jsonl'), row);
  fs.symlinkSync(path.join(outside, 'secret.jsonl'), path.join(workspace, 'data', 'link.jsonl'));
  fs.writeFileSync(path.join(outside, 'exp.yaml'), 'apiVersion: rlhf-lens/v1\nkind: Experiment\n');
  client = await LspClient.start({ rootPath: workspace, initializationOptions: { trusted: true, storagePath: path.join(tmp, 'storage') } });
});
after(async () => {
  await client.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

test('analyze reads inside the workspace folders only: no absolute path, .. or symlink out', async () => {
  assert.equal((await analyze(path.join(workspace, 'data', 'pairs.jsonl'))).result.n, 2);
  const secret = path.join(outside, 'secret.jsonl');
  await assert.rejects(analyze(secret), refusedOutside(secret));
  const dotdot = `${workspace}${path.sep}data${path.sep}..${path.sep}..${path.sep}outside${path.sep}secret.jsonl`;
  await assert.rejects(analyze(dotdot), refusedOutside(dotdot));
  const link = path.join(workspace, 'data', 'link.jsonl');
  await assert.rejects(analyze(link), refusedOutside(link));
  await assert.rejects(analyze('/etc/passwd'), refusedOutside('/etc/passwd'));
  await assert.rejects(analyze('data/pairs.jsonl'), (e: { code: number; message: string }) => e.code === 1002 && /path must be absolute/.test(e.message));
});

test('analyze: a path option (experiment, reference) pointing outside the workspace is refused too', async () => {
  const pairs = path.join(workspace, 'data', 'pairs.jsonl');
  const reference = path.join(outside, 'secret.jsonl');
  await assert.rejects(
    client.request('rlhfLens/analyze', { analysis: 'drift', path: pairs, options: { reference: '../../outside/secret.jsonl', column: 'chosen_score' } }),
    refusedOutside(reference),
  );
  const experiment = path.join(outside, 'exp.yaml');
  await assert.rejects(client.request('rlhfLens/analyze', { analysis: 'ab', path: pairs, options: { experiment } }), refusedOutside(experiment));
});

test('followTraining follows files inside the workspace only', async () => {
  const secret = path.join(outside, 'secret.jsonl');
  await assert.rejects(client.request('rlhfLens/followTraining', { path: secret }), refusedOutside(secret));
});

test('an untrusted workspace runs nothing: analyze and followTraining are refused before any file is touched', async () => {
  void client.connection.sendNotification('rlhfLens/setTrust', { trusted: false });
  try {
    const notTrusted = (e: { code: number; message: string }) => e.code === 1001 && /workspace is not trusted/.test(e.message);
    await assert.rejects(analyze(path.join(workspace, 'data', 'pairs.jsonl')), notTrusted);
    await assert.rejects(client.request('rlhfLens/followTraining', { path: path.join(workspace, 'data', 'pairs.jsonl') }), notTrusted);
    const status = await client.request<{ trusted: boolean }>('rlhfLens/status', {});
    assert.equal(status.trusted, false);
  } finally {
    void client.connection.sendNotification('rlhfLens/setTrust', { trusted: true });
  }
  assert.equal((await analyze(path.join(workspace, 'data', 'pairs.jsonl'))).result.n, 2);
});

test('the CLI never writes terminal escapes or bidi overrides from a hostile file: lint and analyze', () => {
  const yaml = path.join(tmp, 'escapes.pipeline.yaml');
  fs.writeFileSync(yaml, 'apiVersion: rlhf-lens/v1\nkind: Pipeline\nmetadata: {name: x}\n"\\e]0;pwned\\a\\u202e": 1\nstages: []\n');
  const lint = runCli(['lint', yaml]);
  assert.equal(lint.code, 1);
  assert.match(lint.stdout, /Unknown property "\\u001b\]0;pwned\\u0007\\u202e"/);
  const data = path.join(tmp, 'escapes.jsonl');
  fs.writeFileSync(data, '\u001b[2J\u001b]0;pwned\u0007\n');
  const analyze = runCli(['analyze', 'calibration', data]);
  assert.equal(analyze.code, 2);
  assert.match(analyze.stderr, /Unexpected token '\\u001b', "\\u001b\[2J\\u001b\]0;pwned\\u0007"/);
  for (const out of [lint.stdout, lint.stderr, analyze.stdout, analyze.stderr]) {
    assert.doesNotMatch(out, /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
  }
});
