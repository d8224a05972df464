/**
 * The `@rlhf-lens` chat participant's core, pure (no vscode import): which of the engine's figures a
 * question needs, the prompt that carries them (and nothing else: no file contents, workspace-relative
 * paths only), the commands worth offering, and the answer shown when no language model is
 * available. The figures come from the language server (hover estimates, analysis results,
 * diagnostics); the model is told to use only them and to cite them.
 */

import type { ChatFact } from '../../../server/src/protocol/lsp';

/** One figure the engine computed, with where it comes from (protocol/lsp.ts ChatFact). */
export type Fact = ChatFact;
export type Topic = ChatFact['topic'];

export interface ChatCommandOffer {
  command: string;
  title: string;
  /** Arguments: plain JSON only (a file is passed as a workspace-relative path and resolved by the host). */
  args?: unknown[];
}

export interface ChatInput {
  question: string;
  /** The slash command, if any: /memory, /ab, /runs, /compare, /problems. */
  command?: string;
  /** The active file (workspace-relative) and its kind. */
  file?: { path: string; kind?: string };
  facts: Fact[];
}

export interface ChatMessage {
  role: 'user' | 'assistant';
  content: string;
}

export interface ChatPlan {
  topics: Topic[];
  /** The figures sent to the model (the ones the question needs). */
  facts: Fact[];
  messages: ChatMessage[];
  commands: ChatCommandOffer[];
}

const KEYWORDS: Record<Exclude<Topic, 'config'>, RegExp> = {
  memory: /\b(memory|oom|out of memory|vram|gpu|gib|gb|fit|fits|batch|lora|qlora|quantiz|offload|sharding|zero)\b/i,
  ab: /\b(a\/b|ab test|experiment|treatment|control|winning|win|lift|significan|p-?value|variant|srm|guardrail|ship)\b/i,
  training: /\b(loss|training|run|runs|curve|spike|nan|overfit|diverg|step|learning rate|reward|kl)\b/i,
  compare: /\b(chang\w*|differ\w*|compar\w*|versus|vs)\b/i,
  problems: /\b(problem|error|warning|wrong|lint|rule|fix|broken|invalid)\b/i,
};

const COMMAND_TOPICS: Record<string, Topic[]> = { memory: ['memory'], ab: ['ab'], runs: ['training'], compare: ['compare'], problems: ['problems'] };

/** The topics a question is about: its slash command, else its words, else what the open file is. */
export function topicsFor(input: Pick<ChatInput, 'question' | 'command' | 'file'>): Topic[] {
  if (input.command && COMMAND_TOPICS[input.command]) return COMMAND_TOPICS[input.command]!;
  let found: Topic[] = (Object.keys(KEYWORDS) as (keyof typeof KEYWORDS)[]).filter((t) => KEYWORDS[t].test(input.question));
  // "What changed between these two runs?" is a comparison: the runs' figures come from `compare`, not one log's.
  if (found.includes('compare')) found = found.filter((t) => t !== 'training');
  if (found.length) return found;
  switch (input.file?.kind) {
    case 'TrainingConfig':
      return ['memory', 'problems'];
    case 'Experiment':
      return ['ab', 'problems'];
    case 'Pipeline':
      return ['problems'];
    case 'training-log':
      return ['training'];
    default:
      return ['problems'];
  }
}

const SYSTEM = [
  'You are RLHF Lens, an assistant inside VS Code for RLHF pipelines, experiments and training configs.',
  'Answer the question using ONLY the figures listed under "Figures from the RLHF Lens engine". Do not compute, estimate or invent any other number.',
  'Cite each figure you use as [label, file]. If the figures do not answer the question, say what is missing and which RLHF Lens command would compute it.',
  'Keep the answer short: a few sentences or bullets.',
].join('\n');

/** Builds the prompt for a question from the figures it needs. */
export function buildChatPlan(input: ChatInput): ChatPlan {
  const topics = topicsFor(input);
  // `config` facts (kind, name) always come along: they say what the figures are about.
  const facts = input.facts.filter((f) => topics.includes(f.topic) || f.topic === 'config');
  const lines = facts.map((f) => `- [${f.label}, ${f.source}] ${f.value}`);
  const content = [
    SYSTEM,
    '',
    input.file ? `Open file: ${input.file.path}${input.file.kind ? ` (${input.file.kind})` : ''}` : 'No RLHF Lens file is open.',
    '',
    'Figures from the RLHF Lens engine:',
    ...(lines.length ? lines : ['- (none: the engine has no figures for this question yet)']),
    '',
    `Question: ${input.question}`,
  ].join('\n');
  return { topics, facts, messages: [{ role: 'user', content }], commands: commandsFor(topics, input) };
}

/** Commands that exist and fit the topics (shown as buttons under the answer). */
export function commandsFor(topics: Topic[], input: Pick<ChatInput, 'file' | 'facts'>): ChatCommandOffer[] {
  const out: ChatCommandOffer[] = [];
  const file = input.file?.path;
  if (topics.includes('problems') && input.facts.some((f) => f.topic === 'problems')) out.push({ command: 'rlhfLens.showProblem', title: 'Show a problem and its quick fixes' });
  if (topics.includes('memory')) out.push({ command: 'rlhfLens.trainingWizard', title: 'Try other settings in the training wizard' });
  if (topics.includes('ab') && input.file?.kind === 'Experiment' && file) out.push({ command: 'rlhfLens.showAbResults', title: 'Show the A/B results', args: [file] });
  if (topics.includes('compare')) out.push({ command: 'rlhfLens.compareRuns', title: 'Compare the runs side by side' });
  if (topics.includes('training')) out.push({ command: 'rlhfLens.showTrainingMonitor', title: 'Open the training monitor', ...(input.file?.kind === 'training-log' && file ? { args: [file] } : {}) });
  if (input.file?.kind === 'Pipeline' && file) out.push({ command: 'rlhfLens.openDashboard', title: 'Open the phase dashboard', args: [file] });
  return out;
}

/** The answer when no language model is available: the figures themselves, cited, and what to do. */
export function answerWithoutModel(plan: ChatPlan, reason: string): string {
  const body = plan.facts.filter((f) => f.topic !== 'config');
  return [
    `No language model is available (${reason}), so here are the RLHF Lens engine's figures for your question, without a summary:`,
    '',
    ...(body.length ? body.map((f) => `- **${f.label}** (${f.source}): ${f.value}`) : ['- The engine has no figures for this question yet: open the config or results it is about.']),
  ].join('\n');
}

/** Numbers in a text (for tests: every number the prompt carries must come from a fact or the question). */
export function numbersIn(text: string): string[] {
  return [...text.matchAll(/\d+(?:[.,]\d+)*/g)].map((m) => m[0]);
}
