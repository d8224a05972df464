/**
 * The @rlhf-lens chat participant's core with a stub model that records its prompt: the engine's
 * figures (from the server's rlhfLens/configFacts and the analyses) reach the model, only those the
 * question needs, no file contents, and without a model the answer is the figures themselves.
 */
import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspClient, ROOT } from './support/lsp';
import type { AnalyzeResult, ChatFact } from '../server/src/protocol/lsp';
import type { AbResult } from '../server/src/analysis/types';
import { buildChatPlan, numbersIn, topicsFor, type ChatMessage } from '../client/src/chat/prompt';
import { respond, type ChatModelLike } from '../client/src/chat/respond';
import { abFacts, compareFacts, problemFacts, runsToCompare } from '../client/src/chat/facts';
import type { CompareSection, ListRunsResult } from '../server/src/protocol/compare';
import { estimatePeakMemory, formatBytes } from '../server/src/config/estimates/memory';
import { trainingSetupFromConfig } from '../server/src/config/estimates/training-setup';
import { parse } from 'yaml';

const WS = path.join(ROOT, 'examples', 'workspace');
const DPO = path.join(WS, 'configs', 'dpo.training.yaml');
const EXPERIMENT = path.join(WS, 'experiments', 'planning-v1-vs-v2.experiment.yaml');
let client: LspClient;
before(async () => {
  client = await LspClient.start({ rootPath: WS });
});
after(() => client.stop());

/** A model that records what it was sent and answers with a fixed text. */
function stubModel(answer = 'stub answer'): ChatModelLike & { prompts: ChatMessage[][] } {
  const prompts: ChatMessage[][] = [];
  return {
    name: 'stub',
    prompts,
    async *send(messages) {
      prompts.push(messages);
      yield answer;
    },
  };
}

function sink() {
  const out = { markdown: [] as string[], references: [] as string[], buttons: [] as string[] };
  return { out, output: { markdown: (t: string) => out.markdown.push(t), reference: (r: string) => out.references.push(r), button: (c: { command: string }) => out.buttons.push(c.command) } };
}

test('"why is this DPO config over memory?": the engine\'s memory figures reach the model, cited, and nothing it did not compute', async () => {
  const facts = await client.request<ChatFact[]>('rlhfLens/configFacts', { uri: pathToFileURL(DPO).toString() });
  const expected = formatBytes(estimatePeakMemory(trainingSetupFromConfig(parse(fs.readFileSync(DPO, 'utf8')))!.setup).total);
  const peak = facts.find((f) => f.label === 'estimated peak memory per GPU')!;
  assert.match(peak.value, new RegExp(`^${expected.replace('.', '\\.')} \\(Llama 3 8B, 4 GPUs\\)`));
  assert.equal(peak.source, 'configs/dpo.training.yaml');
  const model = stubModel();
  const { out, output } = sink();
  const question = 'why is this DPO config over memory?';
  const plan = await respond({ question, file: { path: 'configs/dpo.training.yaml', kind: 'TrainingConfig' }, facts }, model, output);
  assert.deepEqual(plan.topics, ['memory']);
  const prompt = model.prompts[0]!.map((m) => m.content).join('\n');
  assert.ok(prompt.includes(`[estimated peak memory per GPU, configs/dpo.training.yaml] ${peak.value}`), prompt);
  for (const f of facts.filter((f) => f.topic === 'memory')) assert.ok(prompt.includes(f.value), `${f.label} missing`);
  // Every number in the prompt is one of the engine's figures, the question's, or the instruction's (95% CI is in none here).
  const allowed = new Set([...facts.flatMap((f) => numbersIn(`${f.label} ${f.value} ${f.source}`)), ...numbersIn(question)]);
  for (const n of numbersIn(prompt)) assert.ok(allowed.has(n), `the prompt carries ${n}, which no figure holds`);
  // No file contents: the YAML's own text is not in the prompt.
  assert.ok(!prompt.includes('paged_adamw_8bit'), 'the config file text leaked into the prompt');
  assert.deepEqual(out.markdown, ['stub answer']);
  assert.deepEqual(out.references, ['configs/dpo.training.yaml']);
  assert.ok(out.buttons.includes('rlhfLens.trainingWizard'));
});

test('"is the treatment winning?": the A/B result the server computed reaches the model; memory figures do not', async () => {
  const r = await client.request<AnalyzeResult>('rlhfLens/analyze', { analysis: 'ab', path: EXPERIMENT });
  const ab = r.result as unknown as AbResult;
  const facts = [...abFacts(ab, 'experiments/planning-v1-vs-v2.experiment.yaml'), { topic: 'memory' as const, label: 'estimated peak memory per GPU', value: '99.9 GiB', source: 'configs/x.training.yaml' }];
  const model = stubModel();
  const plan = await respond({ question: 'is the treatment winning?', file: { path: 'experiments/planning-v1-vs-v2.experiment.yaml', kind: 'Experiment' }, facts }, model, sink().output);
  const prompt = model.prompts[0]![0]!.content;
  assert.deepEqual(plan.topics, ['ab']);
  assert.ok(prompt.includes(ab.decision.reason), 'the decision reason is in the prompt');
  const first = ab.metrics[0]!.results[0]!;
  assert.ok(prompt.includes(`p ${String(Number(first.p_value.toPrecision(4)))}`), 'the p-value is in the prompt');
  assert.ok(!prompt.includes('99.9 GiB'), 'a figure the question does not need was sent');
});

test('no model: the answer is the figures themselves, cited, with the commands that exist', async () => {
  const facts = [...problemFacts([{ code: 'pipeline/cycle', message: 'Dependency cycle: a -> b -> a', severity: 'error', line: 11 }], 'pipelines/broken.pipeline.yaml')];
  const { out, output } = sink();
  await respond({ question: 'what is wrong here?', file: { path: 'pipelines/broken.pipeline.yaml', kind: 'Pipeline' }, facts }, undefined, output);
  assert.match(out.markdown[0]!, /^No language model is available \(no chat model is installed or enabled\)/);
  assert.match(out.markdown[0]!, /\*\*error pipeline\/cycle\*\* \(pipelines\/broken\.pipeline\.yaml\): line 12: Dependency cycle/);
  assert.deepEqual(out.buttons, ['rlhfLens.showProblem', 'rlhfLens.openDashboard']);
  // A model that fails (no consent, offline) degrades the same way.
  const failing: ChatModelLike = {
    name: 'broken',
    // eslint-disable-next-line require-yield
    async *send() {
      throw new Error('consent not given');
    },
  };
  const second = sink();
  await respond({ question: 'what is wrong here?', facts }, failing, second.output);
  assert.match(second.out.markdown.join(''), /broken could not answer: consent not given/);
});

test('topics: slash commands, the words of the question, else the open file\'s kind', () => {
  assert.deepEqual(topicsFor({ question: 'anything', command: 'runs' }), ['training']);
  assert.deepEqual(topicsFor({ question: 'what changed between these two runs?' }), ['compare']);
  assert.deepEqual(topicsFor({ question: 'anything', command: 'compare' }), ['compare']);
  assert.deepEqual(topicsFor({ question: 'why did the loss spike?' }), ['training']);
  assert.deepEqual(topicsFor({ question: 'hello', file: { path: 'x', kind: 'Experiment' } }), ['ab', 'problems']);
  const plan = buildChatPlan({ question: 'hi', facts: [] });
  assert.match(plan.messages[0]!.content, /none: the engine has no figures/);
});

test('"what changed between these two runs?": the comparison engine\'s figures (rlhfLens/compareRuns) reach the model, workspace-relative', async () => {
  const { runs } = await client.request<ListRunsResult>('rlhfLens/listRuns', {});
  const rm = runs.filter((r) => r.name.startsWith('rm-llama8b-lora'));
  assert.equal(rm.length, 2, JSON.stringify(runs.map((r) => r.name)));
  // The Runs view's selection decides; without one, the active run and the latest other of its group.
  assert.deepEqual(runsToCompare(rm, runs).map((r) => r.name), rm.map((r) => r.name));
  const active = runsToCompare([], runs, path.join(rm[0]!.path, 'trainer_state.json'));
  assert.equal(active[0]!.path, rm[0]!.path);
  assert.equal(active.length, 2);
  const section = await client.request<CompareSection>('rlhfLens/compareRuns', { paths: rm.map((r) => r.path) });
  const rel = (abs: string) => path.relative(WS, abs).split(path.sep).join('/');
  const facts = compareFacts(section, rel);
  const model = stubModel();
  const { out, output } = sink();
  const question = 'what changed between these two runs?';
  const plan = await respond({ question, facts }, model, output);
  assert.deepEqual(plan.topics, ['compare']);
  const prompt = model.prompts[0]![0]!.content;
  // The hyperparameter the runs differ in, with each run's value as the engine read it.
  const alpha = section.hyperparameters['lora_alpha']!;
  assert.ok(alpha, JSON.stringify(Object.keys(section.hyperparameters)));
  const names = section.runs.map((r) => r.name);
  assert.ok(prompt.includes(`hyperparameter lora_alpha, ${rel(section.hyperparameter_sources['lora_alpha']![names[0]!]!.file)}] ${names.map((n) => `${n} ${alpha[n]}`).join(', ')}`), prompt);
  // Each common metric's last and best values per run, as compare computed them.
  const metric = section.common_metrics[0]!;
  for (const run of section.runs) {
    const m = run.metrics[metric]!;
    assert.ok(prompt.includes(`[${metric}, ${run.name}, ${rel(run.source)}] last ${String(Number(m.last.toPrecision(4)))} at step ${m.last_step}, best ${String(Number(m.best.toPrecision(4)))} at step ${m.best_step}`), `${metric} of ${run.name} missing:\n${prompt}`);
  }
  const allowed = new Set([...facts.flatMap((f) => numbersIn(`${f.label} ${f.value} ${f.source}`)), ...numbersIn(question)]);
  for (const n of numbersIn(prompt)) assert.ok(allowed.has(n), `the prompt carries ${n}, which no figure holds`);
  // Workspace-relative paths only; no log contents.
  assert.ok(!prompt.includes(ROOT), 'an absolute path reached the prompt');
  assert.ok(!prompt.includes('log_history'), 'the log file text leaked into the prompt');
  assert.ok(out.buttons.includes('rlhfLens.compareRuns'));
  assert.deepEqual(out.references, [...new Set(facts.map((f) => f.source))]);
});
