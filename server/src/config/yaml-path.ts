/**
 * Where a cursor is in a config file: the JSON path, and whether it is on a key, a value or inside a
 * `${{ }}` expression. Completion and hover start here.
 *
 * Half-typed lines (`  pha`, `phase: `, `needs: [a, `) do not parse as the user means them, so the
 * word under the cursor is replaced by a placeholder (made into a key when the line has no `:` yet),
 * the patched text is parsed, and the placeholder is looked up in the AST. This keeps sequence indices
 * and flow collections right without a second, indentation-based YAML reader.
 *
 * Pure: works on text and offsets only.
 */
import { isMap, isPair, isScalar, isSeq, parseAllDocuments, type Node } from 'yaml';
import { DEFAULT_PARSE_LIMITS, parseYaml, type ParseLimits, type ParsedFile } from './parse';
import { ConfigDocument, type JsonPath } from './model';
import { detectKind, documentKind, type ConfigKind, type KindMap } from './kind';

export type CursorRole = 'key' | 'value' | 'expression';

export interface Span {
  start: number;
  end: number;
}

export interface CursorContext {
  role: CursorRole;
  /**
   * For `key`: the path of the mapping the key belongs to. For `value` and `expression`: the path of
   * the value (a sequence item ends in its index).
   */
  path: JsonPath;
  /** The value is an item of a sequence (`- x`, `[a, x]`). */
  inSequence: boolean;
  /** The cursor is inside a flow collection (`{...}` / `[...]`) opened on its line: insert on one line. */
  inFlow: boolean;
  /** The word under the cursor, in the original text (empty at a blank position). */
  word: Span & { text: string };
  /** The part of the word before the cursor. */
  prefix: string;
  /** For `key`: the other keys already present in that mapping. */
  siblingKeys: string[];
  /** For `expression`: the expression text between `${{` and the cursor, trimmed on the left. */
  expression?: { start: number; end: number; beforeCursor: string; text: string };
  /** Index of the YAML document (`---`) holding the cursor. */
  documentIndex: number;
}

const PLACEHOLDER = 'rlhfLensCursor9z';
const WORD_CHAR = /[A-Za-z0-9_\-./~]/;
const EXPR_WORD_CHAR = /[A-Za-z0-9_-]/;

/** The parsed file and one ConfigDocument per YAML document, with its kind from `kind:` or the file name. */
export interface ConfigFile {
  parsed: ParsedFile;
  documents: ConfigDocument[];
}

export function readConfigFile(
  text: string,
  filePath: string,
  kindMap?: KindMap,
  fileKind: ConfigKind | undefined = detectKind(filePath, text, kindMap),
  limits: ParseLimits = DEFAULT_PARSE_LIMITS,
): ConfigFile {
  const parsed = parseYaml(text, limits);
  const documents = parsed.documents.map((d) => new ConfigDocument(documentKind(d.value, fileKind), d.value, d.doc, parsed.lines, d.start, d.end));
  return { parsed, documents };
}

/** The document holding `offset` (the last one starting at or before it). */
export function documentAt(file: ConfigFile, offset: number): ConfigDocument | undefined {
  let found: ConfigDocument | undefined;
  for (const d of file.documents) if (d.start <= offset) found = d;
  return found ?? file.documents[0];
}

function lineBounds(text: string, offset: number): Span {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  let end = text.indexOf('\n', offset);
  if (end < 0) end = text.length;
  if (end > start && text[end - 1] === '\r') end--;
  return { start, end };
}

/** The open `${{ ... }}` around the cursor on its line, if any. */
function expressionAround(text: string, offset: number, line: Span): CursorContext['expression'] {
  const open = text.lastIndexOf('${{', offset - 1);
  if (open < line.start || open + 3 > offset) return undefined;
  const closeBefore = text.indexOf('}}', open + 3);
  if (closeBefore >= 0 && closeBefore < offset) return undefined;
  const start = open + 3;
  const end = closeBefore >= 0 && closeBefore <= line.end ? closeBefore : line.end;
  return { start, end, beforeCursor: text.slice(start, offset).trimStart(), text: text.slice(start, end).trim() };
}

function wordAround(text: string, offset: number, line: Span, chars: RegExp): Span {
  let s = offset;
  while (s > line.start && chars.test(text[s - 1]!)) s--;
  let e = offset;
  while (e < line.end && chars.test(text[e]!)) e++;
  return { start: s, end: e };
}

interface Found {
  role: 'key' | 'value';
  path: (string | number)[];
  inSequence: boolean;
  siblingKeys: string[];
}

function containsPlaceholder(node: unknown): boolean {
  return isScalar(node) && typeof node.value === 'string' && node.value.includes(PLACEHOLDER);
}

/** The key or value for which `isTarget` holds, with its path. */
function findNode(node: unknown, path: (string | number)[], isTarget: (n: unknown) => boolean): Found | undefined {
  if (isMap(node)) {
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      if (isTarget(pair.key)) {
        const siblingKeys = node.items.filter((p) => p !== pair && isScalar(p.key)).map((p) => String((p.key as { value: unknown }).value));
        return { role: 'key', path, inSequence: false, siblingKeys };
      }
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      if (isTarget(pair.value)) return { role: 'value', path: [...path, key], inSequence: false, siblingKeys: [] };
      const inner = findNode(pair.value, [...path, key], isTarget);
      if (inner) return inner;
    }
  } else if (isSeq(node)) {
    for (let i = 0; i < node.items.length; i++) {
      const item = node.items[i];
      if (isTarget(item)) return { role: 'value', path: [...path, i], inSequence: true, siblingKeys: [] };
      const inner = findNode(item, [...path, i], isTarget);
      if (inner) return inner;
    }
  }
  return undefined;
}

/**
 * The text with the word at the cursor replaced by the placeholder, made into a key when the line has
 * nothing but indentation, `- ` markers and that word (so `  pha` reads as the start of a key).
 */
function patch(text: string, word: Span, line: Span, inExpression: boolean): string {
  const before = text.slice(line.start, word.start);
  const after = text.slice(word.end, line.end);
  let insert = PLACEHOLDER;
  if (!inExpression) {
    if (/:$/.test(before)) insert = ` ${PLACEHOLDER}`;
    else if (/^\s*$/.test(before) && /^\s*(#.*)?$/.test(after)) insert = `${PLACEHOLDER}:`;
  }
  return text.slice(0, word.start) + insert + text.slice(word.end);
}

/** What closes the quotes and flow collections left open in `prefix` (one line), e.g. `"}`. */
function closers(prefix: string): string {
  const stack: string[] = [];
  let quote = '';
  for (const ch of prefix) {
    if (quote) {
      if (ch === quote) quote = '';
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '[') stack.push(']');
    else if (ch === '{') stack.push('}');
    else if ((ch === ']' || ch === '}') && stack[stack.length - 1] === ch) stack.pop();
  }
  return quote + stack.reverse().join('');
}

function locate(patched: string): { found: Found; documentIndex: number } | undefined {
  let docs;
  try {
    docs = parseAllDocuments(patched, { uniqueKeys: false, strict: false });
  } catch {
    return undefined;
  }
  const list = Array.isArray(docs) ? docs : [docs];
  for (let i = 0; i < list.length; i++) {
    const contents = list[i]!.contents as Node | null;
    const found = containsPlaceholder(contents) ? { role: 'value' as const, path: [], inSequence: false, siblingKeys: [] } : findNode(contents, [], containsPlaceholder);
    if (found) return { found, documentIndex: i };
  }
  return undefined;
}

/**
 * Where the cursor at `offset` is. Undefined only when no YAML structure can be recovered around it.
 *
 * With `file` (the same text, already parsed) a cursor on an existing scalar is found in that tree
 * without parsing again (what hover and other read-only features need); the patched parse is the
 * fallback, and the only way for half-typed text.
 */
export function cursorContext(text: string, offset: number, file?: ConfigFile): CursorContext | undefined {
  const at = Math.max(0, Math.min(offset, text.length));
  const line = lineBounds(text, at);
  const expression = expressionAround(text, at, line);
  const word = wordAround(text, at, line, expression ? EXPR_WORD_CHAR : WORD_CHAR);
  const inFlow = /[\]}]/.test(closers(text.slice(line.start, word.start)));
  if (file && word.end > word.start) {
    const within = (n: unknown): boolean => isScalar(n) && n.range !== undefined && n.range !== null && n.range[0] <= word.start && word.end <= n.range[1];
    for (let i = 0; i < file.documents.length; i++) {
      const contents = file.documents[i]!.doc.contents;
      const found = within(contents) ? { role: 'value' as const, path: [], inSequence: false, siblingKeys: [] } : findNode(contents, [], within);
      if (found) {
        return {
          role: expression ? 'expression' : found.role,
          path: found.path,
          inSequence: found.inSequence,
          inFlow,
          word: { ...word, text: text.slice(word.start, word.end) },
          prefix: text.slice(word.start, at),
          siblingKeys: found.siblingKeys,
          ...(expression ? { expression } : {}),
          documentIndex: i,
        };
      }
    }
  }
  const patched = patch(text, word, line, expression !== undefined);
  // An editor may not have closed a quote or bracket yet: retry with the line's openers closed.
  const lineEndInPatched = line.end + (patched.length - text.length);
  const closed = closers(patched.slice(line.start, lineEndInPatched));
  const hit =
    locate(patched) ??
    (closed ? locate(patched.slice(0, lineEndInPatched) + closed + patched.slice(lineEndInPatched)) : undefined);
  if (!hit) return undefined;
  return {
    role: expression ? 'expression' : hit.found.role,
    path: hit.found.path,
    inSequence: hit.found.inSequence,
    inFlow,
    word: { ...word, text: text.slice(word.start, word.end) },
    prefix: text.slice(word.start, at),
    siblingKeys: hit.found.siblingKeys,
    ...(expression ? { expression } : {}),
    documentIndex: hit.documentIndex,
  };
}
