/**
 * Which column plays which role in a dataset row, and the texts a row gives for those roles. The
 * shape is inferred from the first row that is an object (docs/analyses.md#data-quality lists the
 * shapes and the column names tried); `--column role=column` renames a column into a role before
 * this runs (ingest's column map).
 */

export type DatasetShape = 'preference' | 'preference-messages' | 'kto' | 'sft' | 'conversation' | 'annotation' | 'prompts';

export const SHAPES: readonly DatasetShape[] = ['preference', 'preference-messages', 'kto', 'sft', 'conversation', 'annotation', 'prompts'];

/** Candidate column names per role, first match wins. */
export const ROLE_COLUMNS = {
  prompt: ['prompt', 'question', 'instruction', 'query', 'input'],
  chosen: ['chosen'],
  rejected: ['rejected'],
  chosen_messages: ['chosen_messages'],
  rejected_messages: ['rejected_messages'],
  completion: ['completion', 'response', 'output', 'answer'],
  messages: ['messages', 'conversations', 'conversation'],
  label: ['label'],
  item: ['item_id', 'item'],
  annotator: ['annotator', 'annotator_id', 'rater', 'worker_id'],
  source: ['source', 'dataset', 'subset', 'domain', 'category'],
  round: ['round', 'collection_round', 'batch'],
  position: ['chosen_position', 'position', 'shown_first'],
  chosen_score: ['chosen_score', 'score_chosen', 'chosen_rating'],
  rejected_score: ['rejected_score', 'score_rejected', 'rejected_rating'],
} as const;

export type Role = keyof typeof ROLE_COLUMNS;

export type Columns = Partial<Record<Role, string>>;

const has = (v: Record<string, unknown>, k: string) => v[k] !== undefined;

function find(v: Record<string, unknown>, role: Role): string | undefined {
  return ROLE_COLUMNS[role].find((c) => has(v, c));
}

/** The shape and the columns of each role, from one row; undefined when no shape fits. */
export function inferColumns(v: Record<string, unknown>): { shape: DatasetShape; columns: Columns } | undefined {
  const columns: Columns = {};
  const take = (...roles: Role[]) => {
    for (const r of roles) {
      const c = find(v, r);
      if (c) columns[r] = c;
    }
  };
  let shape: DatasetShape | undefined;
  if (has(v, 'chosen_messages') && has(v, 'rejected_messages')) {
    shape = 'preference-messages';
    take('chosen_messages', 'rejected_messages');
  } else if (has(v, 'chosen') && has(v, 'rejected')) {
    shape = 'preference';
    take('prompt', 'chosen', 'rejected');
  } else if (find(v, 'item') && find(v, 'annotator') && has(v, 'label')) {
    shape = 'annotation';
    take('item', 'annotator', 'label');
  } else if (find(v, 'completion') && has(v, 'label')) {
    shape = 'kto';
    take('prompt', 'completion', 'label');
  } else if (find(v, 'messages')) {
    shape = 'conversation';
    take('messages');
  } else if (find(v, 'prompt') && find(v, 'completion')) {
    shape = 'sft';
    take('prompt', 'completion');
  } else if (find(v, 'prompt')) {
    // RL prompt sets (PPO, GRPO) and eval prompt lists: prompts only.
    shape = 'prompts';
    take('prompt');
  }
  if (!shape) return undefined;
  if (shape !== 'annotation') take('annotator');
  if (shape === 'preference' || shape === 'preference-messages') take('position', 'chosen_score', 'rejected_score', 'label');
  take('source', 'round');
  return { shape, columns };
}

// ---------------------------------------------------------------- messages

/** Roles of chat datasets (OpenAI, ShareGPT from/value, LLaMA-Factory, tool calling). */
const ROLE_ALIASES: Record<string, 'system' | 'user' | 'assistant' | 'tool'> = {
  system: 'system',
  developer: 'system',
  user: 'user',
  human: 'user',
  assistant: 'assistant',
  gpt: 'assistant',
  bot: 'assistant',
  model: 'assistant',
  chatgpt: 'assistant',
  tool: 'tool',
  function: 'tool',
  function_call: 'tool',
  observation: 'tool',
  ipython: 'tool',
};

export interface Turn {
  role: 'system' | 'user' | 'assistant' | 'tool' | 'unknown';
  text: string;
}

export interface ParsedMessages {
  turns: Turn[];
  /** Turns whose role is none of the known ones. */
  unknownRoles: number;
  /** Turns with no text (missing, empty or only whitespace). */
  emptyTurns: number;
  /** Entries that are not {role|from, content|value} objects. */
  malformed: number;
}

/** The text of a message's content: a string, or typed parts ({type: 'text', text|value}) joined by newlines. */
export function contentText(content: unknown): string | undefined {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    const parts: string[] = [];
    for (const p of content) {
      if (typeof p === 'string') parts.push(p);
      else if (p && typeof p === 'object') {
        const o = p as Record<string, unknown>;
        const t = typeof o['text'] === 'string' ? o['text'] : typeof o['value'] === 'string' ? o['value'] : undefined;
        if (t !== undefined && (o['type'] === undefined || o['type'] === 'text')) parts.push(t);
      }
    }
    return parts.join('\n');
  }
  return undefined;
}

export function isMessageList(v: unknown): v is unknown[] {
  return Array.isArray(v) && v.length > 0 && v.every((m) => m !== null && typeof m === 'object' && !Array.isArray(m) && ('role' in m || 'from' in m));
}

export function parseMessages(list: unknown[]): ParsedMessages {
  const out: ParsedMessages = { turns: [], unknownRoles: 0, emptyTurns: 0, malformed: 0 };
  for (const m of list) {
    if (!m || typeof m !== 'object' || Array.isArray(m)) {
      out.malformed++;
      continue;
    }
    const o = m as Record<string, unknown>;
    const rawRole = typeof o['role'] === 'string' ? o['role'] : typeof o['from'] === 'string' ? o['from'] : undefined;
    const text = contentText(o['content'] !== undefined ? o['content'] : o['value']);
    const role = rawRole === undefined ? undefined : ROLE_ALIASES[rawRole.toLowerCase()];
    if (!role) out.unknownRoles++;
    if (text === undefined || text.trim() === '') out.emptyTurns++;
    out.turns.push({ role: role ?? 'unknown', text: text ?? '' });
  }
  return out;
}

/** Index of the last assistant turn, or -1. */
export function lastAssistant(turns: Turn[]): number {
  for (let i = turns.length - 1; i >= 0; i--) if (turns[i]!.role === 'assistant') return i;
  return -1;
}

/** The prompt of a conversation: the user turns before `end`, joined by newlines (system prompts are left out: they repeat across rows). */
export function userText(turns: Turn[], end = turns.length): string {
  const parts: string[] = [];
  for (let i = 0; i < end; i++) if (turns[i]!.role === 'user') parts.push(turns[i]!.text);
  return parts.join('\n');
}

/** The assistant turns' text, joined by newlines. */
export function assistantText(turns: Turn[]): string {
  return turns.filter((t) => t.role === 'assistant').map((t) => t.text).join('\n');
}
