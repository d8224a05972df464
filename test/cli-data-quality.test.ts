/**
 * `rlhf-lens analyze data-quality` as a process and `rlhfLens/analyze` through the real server:
 * the JSON contract, --against, --column, CSV, the real third-party files, a hostile file for every
 * column shape (exact counts, lines and skip reasons), and pipeline-check asserts on the figures.
 */
import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from './support/cli';
import { LspClient, ROOT } from './support/lsp';

const REAL = path.resolve(ROOT, '..', 'shared', 'fixtures', 'real', 'annotation_preference');
const haveReal = fs.existsSync(REAL);
const HOSTILE = path.join(ROOT, 'test', 'hostile', 'data');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rlhf-cli-dq-'));

type Issue = { id: string; severity: string; count: number; lines: number[]; file: string; message: string };
type Out = Record<string, unknown> & { issues: Issue[]; skipped: { count: number; first: { line: number; reason: string }[] } };

function json(args: string[]): Out {
  const r = runCli(['analyze', 'data-quality', ...args, '--format', 'json']);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as Out;
}

const write = (name: string, rows: unknown[] | string): string => {
  const p = path.join(tmp, name);
  fs.writeFileSync(p, typeof rows === 'string' ? rows : rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return p;
};

const issue = (out: Out, id: string) => out.issues.find((i) => i.id === id);
const issues = (out: Out) => Object.fromEntries(out.issues.map((i) => [i.id, [i.count, i.lines]]));

const TRAIN = [
  { prompt: 'How do I reverse a list in Python without copying it in memory?', chosen: 'Use list.reverse(), which works in place.', rejected: 'Use reversed().' },
  { prompt: 'What is the capital of France and why was it chosen historically?', chosen: 'Paris, a centre of power since the Capetians.', rejected: 'Lyon.' },
  { prompt: 'How do I reverse a list in Python without copying it in memory?', chosen: 'list.reverse() is in place.', rejected: 'Slice it with [::-1].' },
  { prompt: 'Write a haiku about autumn leaves falling on a quiet pond.', chosen: 'Same answer.', rejected: 'Same   answer.' },
  { prompt: 'Explain the difference between TCP and UDP for a beginner audience.', chosen: '', rejected: 'UDP is faster.' },
  { prompt: 'Write a haiku about autumn leaves falling on a quiet pond.', chosen: 'Same answer.', rejected: 'Same   answer.' },
];

test('the JSON contract: the issue\'s fields, each issue with at most 20 example lines, --against leaks', () => {
  const train = write('train.jsonl', TRAIN);
  const evalFile = write('eval.jsonl', [
    { prompt: 'What is  the capital of France and why was it chosen historically?', chosen: 'Paris.', rejected: 'Rome.' },
    { prompt: 'Explain the difference between TCP and UDP for a beginner audience please.', chosen: 'TCP is reliable.', rejected: 'No.' },
    { prompt: 'Something entirely new about gardening tomatoes in cold climates.', chosen: 'Use a greenhouse.', rejected: 'Do not.' },
  ]);
  const out = json([train, '--against', evalFile]);
  for (const k of ['rows', 'exact_duplicate_rows', 'duplicate_prompts', 'near_duplicate_prompts', 'identical_chosen_rejected', 'empty_chosen', 'empty_rejected', 'leaked_prompts', 'near_leaked_prompts', 'quality_score', 'issues', 'skipped']) assert.ok(k in out, k);
  assert.equal(out['rows'], 6);
  assert.equal(out['exact_duplicate_rows'], 1);
  assert.equal(out['duplicate_prompts'], 2);
  assert.equal(out['identical_chosen_rejected'], 2);
  assert.equal(out['empty_chosen'], 1);
  assert.equal(out['empty_rejected'], 0);
  assert.equal(out['against_rows'], 3);
  assert.equal(out['leaked_prompts'], 1);
  assert.equal(out['near_leaked_prompts'], 1);
  assert.ok(Math.abs((out['train_eval_leakage'] as number) - 2 / 3) < 1e-12);
  assert.deepEqual(issue(out, 'leaked_prompts')!.lines, [1]);
  assert.equal(issue(out, 'leaked_prompts')!.file, 'against');
  assert.deepEqual(issue(out, 'near_leaked_prompts')!.lines, [2]);
  assert.deepEqual(issue(out, 'identical_chosen_rejected')!.lines, [4, 6]);
  assert.deepEqual(issue(out, 'exact_duplicate_rows')!.lines, [6]);
  assert.deepEqual((out['leakage'] as { matches: unknown[] }).matches, [
    { line: 1, data_line: 2, similarity: 1 },
    { line: 2, data_line: 5, similarity: (out['leakage'] as { matches: { similarity: number }[] }).matches[1]!.similarity },
  ]);
  // Without --against the leak figures are null, not 0.
  const alone = json([train]);
  assert.equal(alone['leaked_prompts'], null);
  assert.equal(alone['train_eval_leakage'], null);
  // Many duplicates: 20 example lines at most.
  const many = write('many.jsonl', Array.from({ length: 60 }, () => TRAIN[0]));
  const m = json([many]);
  assert.equal(m['exact_duplicate_rows'], 59);
  for (const i of m.issues) assert.ok(i.lines.length <= 20, i.id);
  assert.deepEqual(issue(m, 'exact_duplicate_rows')!.lines, Array.from({ length: 20 }, (_, k) => k + 2));
  // The text output names the issues and the eval file's lines.
  const text = runCli(['analyze', 'data-quality', train, '--against', evalFile]);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /^quality_score\s+\d/m);
  assert.match(text.stdout, /^error\s+leaked_prompts\s+1\s.*eval 1$/m);
  assert.match(text.stdout, /1 eval row whose prompt is also in the training data/);
});

test('--column maps other column names to roles; CSV files work the same', () => {
  const rows = TRAIN.map((r) => ({ question: r.prompt, good: r.chosen, bad: r.rejected }));
  const file = write('renamed.jsonl', rows);
  const out = json([file, '--column', 'prompt=question', '--column', 'chosen=good', '--column', 'rejected=bad']);
  assert.equal(out['shape'], 'preference');
  assert.equal(out['identical_chosen_rejected'], 2);
  assert.equal(out['duplicate_prompts'], 2);
  const csv = write('pairs.csv', 'prompt,chosen,rejected\n' + TRAIN.map((r) => [r.prompt, r.chosen, r.rejected].map((x) => `"${x.replace(/"/g, '""')}"`).join(',')).join('\n') + '\n');
  const c = json([csv]);
  assert.equal(c['rows'], 6);
  assert.equal(c['identical_chosen_rejected'], 2);
  assert.equal(c['duplicate_prompts'], 2);
});

test('real files: LLaMA-Factory v1 DPO demo (typed content parts) and the nltk annotation file, no false errors', { skip: !haveReal && 'no ../shared/fixtures' }, () => {
  const dpo = json([path.join(REAL, 'llamafactory_v1_dpo_demo.jsonl')]);
  assert.equal(dpo['shape'], 'preference-messages');
  assert.equal(dpo['rows'], 10);
  assert.deepEqual(dpo['columns'], { chosen_messages: 'chosen_messages', rejected_messages: 'rejected_messages' });
  assert.deepEqual(dpo.issues.filter((i) => i.severity === 'error'), []);
  assert.equal(dpo['identical_chosen_rejected'], 0);
  assert.equal(dpo['empty_chosen'], 0);
  // Every row has a system, a user and an assistant turn on each side.
  assert.deepEqual((dpo['messages'] as { turns: Record<string, number> }).turns, { system: 20, user: 20, assistant: 20, tool: 0, unknown: 0 });
  const lengths = dpo['lengths'] as { role: string; unit: string; n: number }[];
  assert.deepEqual(lengths.map((l) => `${l.role}/${l.unit}/${l.n}`), ['prompt/chars/10', 'prompt/tokens/10', 'chosen/chars/10', 'chosen/tokens/10', 'rejected/chars/10', 'rejected/tokens/10']);
  const nltk = json([path.join(REAL, 'nltk_artstein_poesio_example.txt')]);
  assert.equal(nltk['shape'], 'annotation');
  assert.equal(nltk['rows'], 200);
  const a = nltk['annotation'] as { items: number; annotators: number; ratings: number; items_few_ratings: number; duplicate_ratings: number; constant_annotators: string[] };
  assert.deepEqual([a.items, a.annotators, a.ratings, a.items_few_ratings, a.duplicate_ratings, a.constant_annotators], [100, 2, 200, 0, 0, []]);
  assert.deepEqual(nltk.issues.filter((i) => i.severity === 'error'), []);
});

test('real Parquet files: an RL prompt set (prompts only, grouped by category) and a verl GSM8K file (message-list prompts)', { skip: !haveReal && 'no ../shared/fixtures' }, async () => {
  const dir = path.resolve(REAL, '..', 'parquet');
  const beaverFile = path.join(dir, 'PKU-Alignment_Beaver-zh-hk_safety-prompts-test.parquet');
  const beaver = json([beaverFile]);
  assert.equal(beaver['shape'], 'prompts');
  assert.equal(beaver['rows'], 2508);
  assert.deepEqual(beaver['columns'], { prompt: 'prompt', source: 'category' });
  // The duplicates are really there: count them from the rows directly.
  const { openDataSource } = await import('../server/src/ingest/read');
  const source = await openDataSource(beaverFile);
  const seenPrompt = new Set<string>();
  const seenRow = new Set<string>();
  let dupPrompts = 0;
  let dupRows = 0;
  for await (const row of source.rows) {
    const p = String(row.value['prompt']).split(/[ \t\n\v\f\r]+/).filter(Boolean).join(' ');
    if (seenPrompt.has(p)) dupPrompts++;
    seenPrompt.add(p);
    const k = JSON.stringify(row.value);
    if (seenRow.has(k)) dupRows++;
    seenRow.add(k);
  }
  assert.equal(beaver['duplicate_prompts'], dupPrompts);
  assert.equal(beaver['exact_duplicate_rows'], dupRows);
  assert.ok(dupPrompts > 0);
  assert.deepEqual(beaver.issues.filter((i) => i.severity === 'error'), []);
  const gsm = json([path.join(dir, 'hula0401_news_GRPO_verl-gsm8k-test.parquet')]);
  assert.equal(gsm['shape'], 'sft');
  assert.equal(gsm['rows'], 1319);
  assert.deepEqual(gsm['columns'], { prompt: 'prompt', completion: 'answer' });
  // Answers end with "#### <number>": not cut mid-sentence.
  assert.equal(gsm['truncated_responses'], 0);
  assert.deepEqual(gsm.issues, []);
});

test('hostile data, one file per column shape: exact counts, example lines and skip reasons', () => {
  const pref = json([path.join(HOSTILE, 'dq-preference.jsonl')]);
  assert.equal(pref['rows'], 7);
  assert.deepEqual(pref.skipped.first.map((s) => s.line), [2, 3]);
  assert.match(pref.skipped.first[0]!.reason, /^invalid JSON/);
  assert.equal(pref.skipped.first[1]!.reason, 'expected a JSON object, got an array');
  assert.deepEqual(issues(pref), {
    identical_chosen_rejected: [1, [7]],
    empty_chosen: [1, [6]],
    empty_rejected: [1, [6]],
    wrong_types: [2, [4, 5]],
    exact_duplicate_rows: [1, [8]],
    skipped_rows: [2, [2, 3]],
    duplicate_prompts: [1, [8]],
  });
  const pm = json([path.join(HOSTILE, 'dq-preference-messages.jsonl')]);
  assert.deepEqual(issues(pm), {
    empty_chosen: [4, [2, 3, 4, 5]],
    empty_rejected: [1, [5]],
    no_assistant_turn: [2, [3, 5]],
    prompt_mismatch: [1, [3]],
    wrong_types: [1, [2]],
    duplicate_prompts: [1, [2]],
    empty_turns: [1, [4]],
    unknown_roles: [2, [3, 4]],
  });
  const kto = json([path.join(HOSTILE, 'dq-kto.jsonl')]);
  assert.equal(kto['shape'], 'kto');
  assert.deepEqual(issues(kto), { missing_fields: [1, [4]], wrong_types: [3, [2, 3, 6]] });
  assert.deepEqual((kto['labels'] as { counts: unknown }).counts, { false: 2, true: 1 });
  const conv = json([path.join(HOSTILE, 'dq-conversation.jsonl')]);
  assert.equal(conv['shape'], 'conversation');
  assert.deepEqual(issues(conv), { empty_completion: [1, [4]], missing_fields: [1, [7]], no_assistant_turn: [2, [3, 5]], wrong_types: [1, [2]], empty_turns: [1, [4]], unknown_roles: [1, [4]] });
  const ann = json([path.join(HOSTILE, 'dq-annotation.jsonl')]);
  assert.equal(ann['shape'], 'annotation');
  assert.deepEqual(issues(ann), { missing_fields: [2, [3, 5]], wrong_types: [2, [2, 4]], duplicate_ratings: [1, [7]], items_few_ratings: [1, [6]] });
  // Nothing fits: one line naming the file, what was read and the shapes it needs; nothing on stdout.
  const none = runCli(['analyze', 'data-quality', path.join(HOSTILE, 'dq-no-shape.jsonl')]);
  assert.equal(none.code, 2);
  assert.equal(none.stdout, '');
  assert.match(none.stderr, /dq-no-shape\.jsonl: no usable rows: 2 read, 3 skipped \(line 1: fits none of the data-quality shapes \(columns: a\)\); data-quality needs rows of one of the shapes/);
  // No control or bidi character of the data reaches the terminal.
  const text = runCli(['analyze', 'data-quality', path.join(HOSTILE, 'dq-preference.jsonl')]);
  assert.equal(text.code, 0);
  assert.doesNotMatch(text.stdout + text.stderr, /[\u0000-\u0008\u000b-\u001f\u202a-\u202e]/);
});

test('pipeline checks assert data-quality figures: duplicate_prompt_share and train_eval_leakage', () => {
  const dir = fs.mkdtempSync(path.join(tmp, 'pipe-'));
  fs.copyFileSync(path.join(tmp, 'train.jsonl'), path.join(dir, 'train.jsonl'));
  fs.copyFileSync(path.join(tmp, 'eval.jsonl'), path.join(dir, 'eval.jsonl'));
  const pipeline = path.join(dir, 'dq.pipeline.yaml');
  fs.writeFileSync(
    pipeline,
    `apiVersion: rlhf-lens/v1
kind: Pipeline
metadata: {name: dq}
stages:
  - id: collect
    phase: data_collection
    run: python collect.py
    checks:
      - name: clean pairs
        analysis: data-quality
        data: train.jsonl
        options: {against: eval.jsonl}
        assert: {duplicate_prompt_share: {max: 0.5}, train_eval_leakage: {max: 0}}
`,
  );
  const r = runCli(['check', pipeline, '--format', 'json']);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  const verdicts = (JSON.parse(r.stdout) as { pipelines: { checks: { asserts: { metric: string; value: number; passed: boolean }[] }[] }[] }).pipelines[0]!.checks.flatMap((c) => c.asserts);
  assert.deepEqual(verdicts.map((v) => [v.metric, v.passed]), [['duplicate_prompt_share', true], ['train_eval_leakage', false]]);
  assert.ok(Math.abs(verdicts[1]!.value - 2 / 3) < 1e-12);
  const lint = runCli(['lint', pipeline]);
  assert.equal(lint.code, 0, lint.stdout);
});

let client: LspClient;
before(async () => {
  client = await LspClient.start({ rootPath: tmp, initializationOptions: { trusted: true, storagePath: path.join(tmp, 'storage') } });
});
after(async () => {
  await client.stop();
});

test('the server\'s rlhfLens/analyze answers data-quality with the CLI\'s result', async () => {
  const train = path.join(tmp, 'train.jsonl');
  const evalFile = path.join(tmp, 'eval.jsonl');
  const r = await client.request<{ result: Record<string, unknown>; skipped: unknown }>('rlhfLens/analyze', { analysis: 'data-quality', path: train, options: { against: evalFile } });
  const cli = json([train, '--against', evalFile]);
  assert.deepEqual({ ...r.result, skipped: r.skipped }, cli);
});
