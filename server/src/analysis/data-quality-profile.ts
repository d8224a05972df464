/**
 * The streaming half of the data-quality analysis: rows go in one at a time (`add`), and only
 * typed per-row measurements come out (`finish`): line numbers, 53-bit keys of rows and prompts,
 * lengths, MinHash signatures of distinct prompts, counters and the first example lines of each
 * problem. No text is kept, so memory grows with the row count, not the file size. Pure: no I/O.
 */
import { Float64Column } from './columns';
import { KeyIndex, NUM_PERM, endsMidSentence, foldKey, minHashParams, minHashSignature, stringKey, textStats, type MinHashParams, type TextStats } from './data-quality-text';
import { assistantText, inferColumns, isMessageList, lastAssistant, parseMessages, userText, type Columns, type DatasetShape, type Role, type Turn } from './data-quality-roles';

/** Example line numbers kept per problem. */
export const EXAMPLE_LINES = 20;

class Ints {
  data: Int32Array;
  length = 0;
  constructor(cap = 1024) {
    this.data = new Int32Array(cap);
  }
  push(x: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = x;
  }
  toArray(): Int32Array {
    return this.data.slice(0, this.length);
  }
}

/** A problem's count and its first example lines. */
export class Problem {
  count = 0;
  readonly lines: number[] = [];
  add(line: number): void {
    this.count++;
    if (this.lines.length < EXAMPLE_LINES) this.lines.push(line);
  }
}

export const PROBLEMS = [
  'wrong_types',
  'missing_fields',
  'empty_prompt',
  'empty_chosen',
  'empty_rejected',
  'empty_completion',
  'identical_chosen_rejected',
  'prompt_mismatch',
  'no_assistant_turn',
  'unknown_roles',
  'empty_turns',
  'ties',
] as const;
export type ProblemId = (typeof PROBLEMS)[number];

/** Lengths of one text role: -1 where the row has no such text. */
export interface RoleLengths {
  chars: Int32Array;
  tokens: Int32Array;
  /** 1 where the text ends mid-sentence (truncation candidates). */
  mid: Uint8Array;
}

export interface FieldCounts {
  role: Role;
  column: string;
  missing: number;
  empty: number;
  wrong_type: number;
}

export interface AnnotationCounts {
  /** annotator -> label -> ratings */
  byAnnotator: Map<string, Map<string, number>>;
  /** annotator -> first lines */
  annotatorLines: Map<string, number[]>;
  /** item -> [ratings, first line] */
  items: Map<string, [number, number]>;
  duplicateRatings: Problem;
}

export interface GroupCounts {
  role: 'source' | 'round';
  column: string;
  /** value -> [rows, label -> count] */
  values: Map<string, { rows: number; labels: Map<string, number> }>;
}

export interface DataQualityProfile {
  shape: DatasetShape;
  columns: Columns;
  /** Rows that are objects (rows that do not parse are the ingest's skipped rows). */
  rows: number;
  lines: Int32Array;
  /** 53-bit key of each row's JSON text (same fields in the same order = same key). */
  rowKeys: Float64Array;
  /** Per row: the index of its distinct prompt, or -1 when it has no prompt text. Null when the shape has no prompt. */
  promptOf: Int32Array | null;
  /** Per distinct prompt: its first row, and whether it has a signature (at least one word). */
  distinctFirstRow: Int32Array;
  hasSignature: Uint8Array;
  /** NUM_PERM 16-bit values per distinct prompt (zeros where there is no signature). */
  signatures: Uint16Array;
  /** Distinct prompt keys -> index (for leakage lookups). */
  promptIndex: KeyIndex;
  lengths: Partial<Record<'prompt' | 'chosen' | 'rejected' | 'completion', RoleLengths>>;
  problems: Record<ProblemId, Problem>;
  fields: FieldCounts[];
  labels: Map<string, number> | null;
  groups: GroupCounts[];
  /** Where the chosen response was shown (or, for annotation labels naming sides, which side won). */
  position: { column: string; first: number; second: number } | null;
  messages: { turns: Record<Turn['role'], number> } | null;
  annotation: AnnotationCounts | null;
}

const TIE_LABELS = new Set(['tie', 'equal', 'same', 'both', 'neither', 'draw', 'tie (bothbad)', 'both_bad', 'both_good']);
const FIRST = new Set(['a', 'first', 'left', '0', 'response_a', 'model_a', 'chosen']);
const SECOND = new Set(['b', 'second', 'right', '1', 'response_b', 'model_b', 'rejected']);

/** A label or id as a string; undefined when missing or blank. */
function keyOf(v: unknown): string | undefined {
  if (typeof v === 'string') return v.trim() === '' ? undefined : v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v === 'boolean') return String(v);
  return undefined;
}

const TRUE = new Set(['true', '1', 'yes', 'y', 't', '1.0']);
const FALSE = new Set(['false', '0', 'no', 'n', 'f', '0.0']);
/** A KTO label as 'true' / 'false', or undefined. */
function flagOf(v: unknown): 'true' | 'false' | undefined {
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v === 1 || v === 0) return v ? 'true' : 'false';
  if (typeof v === 'string') {
    const t = v.trim().toLowerCase();
    if (TRUE.has(t)) return 'true';
    if (FALSE.has(t)) return 'false';
  }
  return undefined;
}

function num(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : undefined;
}

/** Where the chosen side was shown: 'first', 'second' or undefined. */
function sideOf(v: unknown): 'first' | 'second' | undefined {
  const k = keyOf(v)?.trim().toLowerCase();
  if (k === undefined) return undefined;
  if (FIRST.has(k)) return 'first';
  if (SECOND.has(k)) return 'second';
  return undefined;
}

type TextValue = { kind: 'text'; text: string } | { kind: 'missing' } | { kind: 'wrong' };

/** A text role's value: a string, or a message list (its assistant turns, or all turns for prompts). */
function textValue(v: unknown, forPrompt: boolean): TextValue {
  if (v === undefined || v === null) return { kind: 'missing' };
  if (typeof v === 'string') return { kind: 'text', text: v };
  if (Array.isArray(v)) {
    if (v.length === 0) return { kind: 'text', text: '' };
    if (!isMessageList(v)) return { kind: 'wrong' };
    const turns = parseMessages(v).turns;
    return { kind: 'text', text: forPrompt ? userText(turns) || turns.map((t) => t.text).join('\n') : assistantText(turns) || turns.map((t) => t.text).join('\n') };
  }
  return { kind: 'wrong' };
}

/** Anthropic HH rows carry the dialogue in chosen/rejected: the prompt is everything up to the last "\n\nAssistant:". */
const HH_MARK = '\n\nAssistant:';

export interface ProfileOptions {
  /** 'prompts': only what leakage needs (an eval file given with --against). */
  mode?: 'full' | 'prompts';
  seed?: number;
}

export class DataQualityProfiler {
  private shape: DatasetShape | undefined;
  private columns: Columns = {};
  private readonly full: boolean;
  private readonly params: MinHashParams;
  private readonly scratch = new Uint32Array(NUM_PERM);
  private lines = new Ints();
  private rowKeys = new Float64Column();
  private promptOf = new Ints();
  private distinctFirstRow = new Ints();
  private hasSig: Uint8Array = new Uint8Array(1024);
  private sigs: Uint16Array = new Uint16Array(1024 * NUM_PERM);
  private promptIndex = new KeyIndex();
  private hasPrompt = false;
  private lengths: Partial<Record<'prompt' | 'chosen' | 'rejected' | 'completion', { chars: Ints; tokens: Ints; mid: Ints }>> = {};
  private problems = Object.fromEntries(PROBLEMS.map((p) => [p, new Problem()])) as Record<ProblemId, Problem>;
  private fields = new Map<Role, FieldCounts>();
  private labels: Map<string, number> | null = null;
  private groups: GroupCounts[] = [];
  private position: { column: string; first: number; second: number } | null = null;
  private turns: Record<Turn['role'], number> | null = null;
  private annotation: AnnotationCounts | null = null;
  private n = 0;

  constructor(options: ProfileOptions = {}) {
    this.full = options.mode !== 'prompts';
    this.params = minHashParams(options.seed);
  }

  /** The shape of the first object row; later rows are read with the same columns. */
  get detected(): { shape: DatasetShape; columns: Columns } | undefined {
    return this.shape ? { shape: this.shape, columns: this.columns } : undefined;
  }

  /** Returns false when the row fits no known shape and no shape is known yet (the caller skips it). */
  add(line: number, v: Record<string, unknown>): boolean {
    if (!this.shape) {
      const found = inferColumns(v);
      if (!found) return false;
      this.start(found.shape, found.columns);
    }
    const r = this.n++;
    this.lines.push(line);
    this.measured.length = 0;
    switch (this.shape!) {
      case 'preference':
        this.preference(r, line, v);
        break;
      case 'preference-messages':
        this.preferenceMessages(r, line, v);
        break;
      case 'kto':
      case 'sft':
      case 'prompts':
        this.promptCompletion(r, line, v);
        break;
      case 'conversation':
        this.conversation(r, line, v);
        break;
      case 'annotation':
        this.annotationRow(line, v);
        break;
    }
    if (this.full) {
      this.extras(line, v);
      this.rowKeys.push(this.rowKey(v));
    }
    return true;
  }

  /** Texts measured in the current row, so that the row key reuses their hashes. */
  private measured: { s: string; st: TextStats }[] = [];
  private nameKeys = new Map<string, number>();

  private stats(s: string): TextStats {
    for (const m of this.measured) if (m.s === s) return m.st;
    const st = textStats(s);
    this.measured.push({ s, st });
    return st;
  }

  /** Exact-duplicate key of a row: its field names and values in order (strings exactly, other values as JSON). */
  private rowKey(v: Record<string, unknown>): number {
    let acc = 0;
    for (const k in v) {
      let nk = this.nameKeys.get(k);
      if (nk === undefined) {
        nk = stringKey(k);
        if (this.nameKeys.size < 10_000) this.nameKeys.set(k, nk);
      }
      const x = v[k];
      const vk = typeof x === 'string' ? this.stats(x).exact : x === undefined ? 0 : stringKey('\u0000' + JSON.stringify(x));
      acc = foldKey(acc, nk, vk);
    }
    return acc;
  }

  private start(shape: DatasetShape, columns: Columns): void {
    this.shape = shape;
    this.columns = columns;
    this.hasPrompt = shape !== 'annotation';
    if (!this.full) return;
    const roles: Role[] = {
      preference: ['prompt', 'chosen', 'rejected'] as Role[],
      'preference-messages': ['chosen_messages', 'rejected_messages'] as Role[],
      kto: ['prompt', 'completion', 'label'] as Role[],
      sft: ['prompt', 'completion'] as Role[],
      prompts: ['prompt'] as Role[],
      conversation: ['messages'] as Role[],
      annotation: ['item', 'annotator', 'label'] as Role[],
    }[shape];
    for (const role of roles) {
      const column = columns[role];
      if (column) this.fields.set(role, { role, column, missing: 0, empty: 0, wrong_type: 0 });
    }
    const text = (name: 'prompt' | 'chosen' | 'rejected' | 'completion') => (this.lengths[name] = { chars: new Ints(), tokens: new Ints(), mid: new Ints() });
    if (shape === 'preference' || shape === 'preference-messages') {
      text('prompt');
      text('chosen');
      text('rejected');
    } else if (shape === 'prompts') text('prompt');
    else if (shape !== 'annotation') {
      text('prompt');
      text('completion');
    }
    if (columns.label || shape === 'annotation' || shape === 'kto') this.labels = new Map();
    if (columns.source) this.groups.push({ role: 'source', column: columns.source, values: new Map() });
    if (columns.round) this.groups.push({ role: 'round', column: columns.round, values: new Map() });
    if (columns.position) this.position = { column: columns.position, first: 0, second: 0 };
    if (shape === 'conversation' || shape === 'preference-messages') this.turns = { system: 0, user: 0, assistant: 0, tool: 0, unknown: 0 };
    if (shape === 'annotation') {
      this.annotation = { byAnnotator: new Map(), annotatorLines: new Map(), items: new Map(), duplicateRatings: new Problem() };
      this.ratingSeen = new Set();
    }
  }

  private ratingSeen: Set<string> | null = null;

  private field(role: Role, what: 'missing' | 'empty' | 'wrong_type'): void {
    const f = this.fields.get(role);
    if (f) f[what]++;
  }

  /** Records a prompt text (or its absence) for row r. */
  private prompt(r: number, text: string | undefined): void {
    if (text === undefined) {
      this.promptOf.push(-1);
      if (this.full) this.noText('prompt');
      return;
    }
    const s = this.stats(text);
    if (this.full) this.measure('prompt', text, s.chars, s.tokens, false);
    if (s.key === 0) {
      this.promptOf.push(-1);
      return;
    }
    let d = this.promptIndex.getOrSet(s.key, this.distinctFirstRow.length);
    if (d < 0) {
      d = this.distinctFirstRow.length;
      this.distinctFirstRow.push(r);
      if (d >= this.hasSig.length) {
        const h = new Uint8Array(this.hasSig.length * 2);
        h.set(this.hasSig);
        this.hasSig = h;
        const g = new Uint16Array(this.sigs.length * 2);
        g.set(this.sigs);
        this.sigs = g;
      }
      this.hasSig[d] = minHashSignature(text, this.params, this.sigs, d * NUM_PERM, this.scratch) ? 1 : 0;
    }
    this.promptOf.push(d);
  }

  private measure(role: 'prompt' | 'chosen' | 'rejected' | 'completion', text: string, chars: number, tokens: number, response: boolean): void {
    const l = this.lengths[role];
    if (!l) return;
    l.chars.push(chars);
    l.tokens.push(tokens);
    l.mid.push(response && endsMidSentence(text) ? 1 : 0);
  }

  private noText(role: 'prompt' | 'chosen' | 'rejected' | 'completion'): void {
    const l = this.lengths[role];
    if (!l) return;
    l.chars.push(-1);
    l.tokens.push(-1);
    l.mid.push(0);
  }

  /** A response text: lengths, and whether it is empty. Returns the text (undefined when absent). */
  private response(role: 'chosen' | 'rejected' | 'completion', line: number, t: TextValue, fieldRole: Role): string | undefined {
    if (t.kind === 'wrong') {
      this.field(fieldRole, 'wrong_type');
      this.noText(role);
      return undefined;
    }
    if (t.kind === 'missing') this.field(fieldRole, 'missing');
    const text = t.kind === 'text' ? t.text : '';
    const s = this.stats(text);
    if (s.tokens === 0) {
      if (t.kind === 'text') this.field(fieldRole, 'empty');
      this.problems[`empty_${role}`].add(line);
    }
    this.measure(role, text, s.chars, s.tokens, true);
    return text;
  }

  private preference(r: number, line: number, v: Record<string, unknown>): void {
    const c = this.columns;
    let chosenV = v[c.chosen ?? 'chosen'];
    let rejectedV = v[c.rejected ?? 'rejected'];
    let promptText: string | undefined;
    let wrong = false;
    if (c.prompt) {
      const p = textValue(v[c.prompt], true);
      if (p.kind === 'text') promptText = p.text;
      else if (this.full) {
        this.field('prompt', p.kind === 'wrong' ? 'wrong_type' : 'missing');
        wrong ||= p.kind === 'wrong';
      }
      if (this.full && p.kind !== 'wrong' && this.stats(promptText ?? '').tokens === 0) {
        if (p.kind === 'text') this.field('prompt', 'empty');
        this.problems.empty_prompt.add(line);
      }
    } else if (isMessageList(chosenV)) {
      // TRL's implicit prompt: the conversation up to the last assistant turn.
      const turns = parseMessages(chosenV).turns;
      const last = lastAssistant(turns);
      promptText = userText(turns, last < 0 ? turns.length : last);
      chosenV = last < 0 ? '' : turns[last]!.text;
      if (isMessageList(rejectedV)) {
        const rt = parseMessages(rejectedV).turns;
        const rl = lastAssistant(rt);
        rejectedV = rl < 0 ? '' : rt[rl]!.text;
      }
    } else if (typeof chosenV === 'string' && typeof rejectedV === 'string' && chosenV.includes(HH_MARK)) {
      const cut = chosenV.lastIndexOf(HH_MARK);
      const prefix = chosenV.slice(0, cut);
      promptText = prefix;
      chosenV = chosenV.slice(cut + HH_MARK.length);
      rejectedV = rejectedV.startsWith(prefix + HH_MARK) ? rejectedV.slice(cut + HH_MARK.length) : rejectedV;
    }
    this.prompt(r, promptText);
    if (!this.full) return;
    const chosen = this.response('chosen', line, textValue(chosenV, false), 'chosen');
    const rejected = this.response('rejected', line, textValue(rejectedV, false), 'rejected');
    if (chosen === undefined || rejected === undefined) wrong = true;
    if (wrong) this.problems.wrong_types.add(line);
    if (chosen !== undefined && rejected !== undefined && this.stats(chosen).key !== 0 && this.stats(chosen).key === this.stats(rejected).key) this.problems.identical_chosen_rejected.add(line);
    this.preferenceExtras(line, v);
  }

  private preferenceMessages(r: number, line: number, v: Record<string, unknown>): void {
    const c = this.columns;
    // A row counts once per problem, whichever side has it.
    const flags = new Set<'unknown_roles' | 'empty_turns' | 'no_assistant_turn'>();
    const side = (column: string, role: Role): { prompt: string; answer: TextValue } | undefined => {
      const raw = v[column];
      if (raw === undefined || raw === null) {
        if (this.full) this.field(role, 'missing');
        return { prompt: '', answer: { kind: 'missing' } };
      }
      if (!Array.isArray(raw)) {
        if (this.full) this.field(role, 'wrong_type');
        return undefined;
      }
      const parsed = parseMessages(raw);
      if (this.full) this.countTurns(parsed.turns);
      if (raw.length === 0 && this.full) this.field(role, 'empty');
      const last = lastAssistant(parsed.turns);
      if (parsed.unknownRoles || parsed.malformed) flags.add('unknown_roles');
      if (parsed.emptyTurns) flags.add('empty_turns');
      if (last < 0) flags.add('no_assistant_turn');
      return { prompt: userText(parsed.turns, last < 0 ? parsed.turns.length : last), answer: last < 0 ? { kind: 'text', text: '' } : { kind: 'text', text: parsed.turns[last]!.text } };
    };
    const chosen = side(c.chosen_messages ?? 'chosen_messages', 'chosen_messages');
    const rejected = side(c.rejected_messages ?? 'rejected_messages', 'rejected_messages');
    this.prompt(r, chosen?.prompt ?? rejected?.prompt);
    if (!this.full) return;
    for (const f of ['empty_turns', 'no_assistant_turn', 'unknown_roles'] as const) if (flags.has(f)) this.problems[f].add(line);
    if (!chosen || !rejected) this.problems.wrong_types.add(line);
    // The answers' emptiness is empty_chosen / empty_rejected; the fields table counts the message lists.
    const a = this.response('chosen', line, chosen?.answer ?? { kind: 'missing' }, 'chosen');
    const b = this.response('rejected', line, rejected?.answer ?? { kind: 'missing' }, 'rejected');
    if (chosen && rejected && chosen.prompt !== rejected.prompt && rejected.answer.kind === 'text' && chosen.answer.kind === 'text') this.problems.prompt_mismatch.add(line);
    if (a !== undefined && b !== undefined && this.stats(a).key !== 0 && this.stats(a).key === this.stats(b).key) this.problems.identical_chosen_rejected.add(line);
    this.preferenceExtras(line, v);
  }

  /** Ties (equal scores or a tie label) and where the chosen side was shown. */
  private preferenceExtras(line: number, v: Record<string, unknown>): void {
    const c = this.columns;
    const cs = c.chosen_score ? num(v[c.chosen_score]) : undefined;
    const rs = c.rejected_score ? num(v[c.rejected_score]) : undefined;
    const label = c.label ? keyOf(v[c.label]) : undefined;
    if ((cs !== undefined && rs !== undefined && cs === rs) || (label !== undefined && TIE_LABELS.has(label.toLowerCase()))) this.problems.ties.add(line);
    if (this.position && c.position) {
      const s = sideOf(v[c.position]);
      if (s === 'first') this.position.first++;
      else if (s === 'second') this.position.second++;
    }
  }

  private countTurns(turns: Turn[]): void {
    if (!this.turns) return;
    for (const t of turns) this.turns[t.role]++;
  }

  private promptCompletion(r: number, line: number, v: Record<string, unknown>): void {
    const c = this.columns;
    let wrong = false;
    let promptText: string | undefined;
    if (c.prompt) {
      const p = textValue(v[c.prompt], true);
      if (p.kind === 'text') promptText = p.text;
      else if (this.full) this.field('prompt', p.kind === 'wrong' ? 'wrong_type' : 'missing');
      wrong ||= p.kind === 'wrong';
      if (this.full && p.kind !== 'wrong' && this.stats(promptText ?? '').tokens === 0) {
        if (p.kind === 'text') this.field('prompt', 'empty');
        this.problems.empty_prompt.add(line);
      }
    }
    this.prompt(r, promptText);
    if (!this.full) return;
    if (this.shape === 'prompts') {
      if (wrong) this.problems.wrong_types.add(line);
      return;
    }
    const completion = this.response('completion', line, textValue(v[c.completion ?? 'completion'], false), 'completion');
    if (completion === undefined) wrong = true;
    if (this.shape === 'kto') {
      const raw = v[c.label ?? 'label'];
      const f = flagOf(raw);
      if (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '')) {
        this.field('label', 'missing');
        this.problems.missing_fields.add(line);
      } else if (f === undefined) {
        this.field('label', 'wrong_type');
        wrong = true;
      }
    }
    if (wrong) this.problems.wrong_types.add(line);
  }

  private conversation(r: number, line: number, v: Record<string, unknown>): void {
    const column = this.columns.messages ?? 'messages';
    const raw = v[column];
    if (!Array.isArray(raw)) {
      this.prompt(r, undefined);
      if (!this.full) return;
      if (raw === undefined || raw === null) {
        this.field('messages', 'missing');
        this.problems.missing_fields.add(line);
      } else {
        this.field('messages', 'wrong_type');
        this.problems.wrong_types.add(line);
      }
      this.noText('completion');
      return;
    }
    const parsed = parseMessages(raw);
    const last = lastAssistant(parsed.turns);
    this.prompt(r, userText(parsed.turns, last < 0 ? parsed.turns.length : last));
    if (!this.full) return;
    this.countTurns(parsed.turns);
    if (raw.length === 0) this.field('messages', 'empty');
    if (parsed.unknownRoles || parsed.malformed) this.problems.unknown_roles.add(line);
    if (parsed.emptyTurns) this.problems.empty_turns.add(line);
    if (last < 0) {
      this.problems.no_assistant_turn.add(line);
      this.noText('completion');
    } else this.response('completion', line, { kind: 'text', text: parsed.turns[last]!.text }, 'completion');
  }

  private annotationRow(line: number, v: Record<string, unknown>): void {
    this.promptOf.push(-1);
    if (!this.full) return;
    const c = this.columns;
    const get = (role: Role): string | undefined => {
      const raw = v[c[role]!];
      const k = keyOf(raw);
      if (k === undefined) {
        if (raw !== undefined && raw !== null && typeof raw === 'object') this.field(role, 'wrong_type');
        else if (typeof raw === 'string') this.field(role, 'empty');
        else this.field(role, 'missing');
      }
      return k;
    };
    const item = get('item');
    const annotator = get('annotator');
    const label = get('label');
    if (item === undefined || annotator === undefined || label === undefined) {
      const wrong = [c.item!, c.annotator!, c.label!].some((k) => v[k] !== null && typeof v[k] === 'object');
      (wrong ? this.problems.wrong_types : this.problems.missing_fields).add(line);
      return;
    }
    const a = this.annotation!;
    let byLabel = a.byAnnotator.get(annotator);
    if (!byLabel) {
      a.byAnnotator.set(annotator, (byLabel = new Map()));
      a.annotatorLines.set(annotator, []);
    }
    byLabel.set(label, (byLabel.get(label) ?? 0) + 1);
    const lines = a.annotatorLines.get(annotator)!;
    if (lines.length < EXAMPLE_LINES) lines.push(line);
    const it = a.items.get(item);
    if (it) it[0]++;
    else a.items.set(item, [1, line]);
    const pair = `${item}\u0000${annotator}`;
    if (this.ratingSeen!.has(pair)) a.duplicateRatings.add(line);
    else this.ratingSeen!.add(pair);
    if (TIE_LABELS.has(label.toLowerCase())) this.problems.ties.add(line);
    const side = sideOf(label);
    if (side) {
      this.sideLabels ??= { first: 0, second: 0 };
      this.sideLabels[side]++;
    } else if (!TIE_LABELS.has(label.toLowerCase())) this.otherLabels++;
  }

  private sideLabels: { first: number; second: number } | null = null;
  private otherLabels = 0;

  /** Label balance and per-source / per-round counts. */
  private extras(_line: number, v: Record<string, unknown>): void {
    const c = this.columns;
    let label: string | undefined;
    if (this.labels) {
      const raw = v[c.label ?? 'label'];
      label = this.shape === 'kto' ? flagOf(raw) : keyOf(raw);
      if (label !== undefined) this.labels.set(label, (this.labels.get(label) ?? 0) + 1);
    }
    for (const g of this.groups) {
      const k = keyOf(v[g.column]) ?? '(none)';
      let e = g.values.get(k);
      if (!e) g.values.set(k, (e = { rows: 0, labels: new Map() }));
      e.rows++;
      if (label !== undefined) e.labels.set(label, (e.labels.get(label) ?? 0) + 1);
    }
  }

  finish(): DataQualityProfile | undefined {
    if (!this.shape) return undefined;
    const d = this.distinctFirstRow.length;
    const lengths: DataQualityProfile['lengths'] = {};
    for (const [k, l] of Object.entries(this.lengths)) {
      const mid = l.mid.toArray();
      lengths[k as keyof typeof lengths] = { chars: l.chars.toArray(), tokens: l.tokens.toArray(), mid: Uint8Array.from(mid) };
    }
    let position = this.position;
    // Annotation labels that name sides (response_a / response_b ...): position bias of the labels.
    if (!position && this.sideLabels && this.otherLabels === 0) position = { column: this.columns.label ?? 'label', ...this.sideLabels };
    return {
      shape: this.shape,
      columns: this.columns,
      rows: this.n,
      lines: this.lines.toArray(),
      rowKeys: this.rowKeys.toArray(),
      promptOf: this.hasPrompt ? this.promptOf.toArray() : null,
      distinctFirstRow: this.distinctFirstRow.toArray(),
      hasSignature: this.hasSig.slice(0, d),
      signatures: this.sigs.slice(0, d * NUM_PERM),
      promptIndex: this.promptIndex,
      lengths,
      problems: this.problems,
      fields: [...this.fields.values()],
      labels: this.labels,
      groups: this.groups,
      position,
      messages: this.turns ? { turns: this.turns } : null,
      annotation: this.annotation,
    };
  }
}
