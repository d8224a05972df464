/**
 * Parses YAML text into documents that keep source offsets.
 *
 * Invariant: never throws. Every problem of the YAML layer becomes a diagnostic
 * (`yaml/syntax`, `yaml/duplicate-key`, `yaml/limit`) and the documents are still returned, as far
 * as the parser could recover them, so later stages can check the rest of the file.
 */
import { Composer, Parser, type CST, type Document } from 'yaml';
import type { Diagnostic } from './diagnostic';
import { LineIndex } from './line-index';

export interface ParseLimits {
  /** Largest number of alias expansions when building plain values (billion-laughs guard). */
  maxAliasCount: number;
  /** Largest text accepted, in characters. */
  maxDocumentChars: number;
  /** Largest number of `---` documents in one file. */
  maxDocuments: number;
  /** Deepest nesting of flow collections (`[[[...`) accepted; deeper input would exhaust the parser's stack. */
  maxNestingDepth: number;
}

export const DEFAULT_PARSE_LIMITS: ParseLimits = {
  maxAliasCount: 1000,
  maxDocumentChars: 5_000_000,
  maxDocuments: 200,
  maxNestingDepth: 256,
};

export interface ParsedDocument {
  /** The `yaml` package's document, with node ranges as string offsets. */
  doc: Document.Parsed;
  /** Plain JS value of the document (aliases resolved, bounded), or undefined if it could not be built. */
  value: unknown;
  /** [start, end) offsets of the document in the file text. */
  start: number;
  end: number;
  /** Whether the YAML layer reported an error inside this document. */
  hasErrors: boolean;
}

export interface ParsedFile {
  text: string;
  lines: LineIndex;
  documents: ParsedDocument[];
  diagnostics: Diagnostic[];
}

/** The `yaml` options of every parse (config/incremental.ts parses edited blocks with the same ones). */
export const YAML_OPTIONS = { uniqueKeys: true, prettyErrors: false, strict: true } as const;

function firstLine(message: string): string {
  const nl = message.indexOf('\n');
  const line = nl < 0 ? message : message.slice(0, nl);
  // The yaml package appends " at line L, column C:" — the range already says where.
  return line.replace(/ at line \d+, column \d+:?$/, '').trim();
}

/**
 * Offset where `[`/`{` nesting first exceeds `max`, or -1. A linear scan that skips quoted scalars and
 * comments roughly; it only has to be right for input deep enough to matter.
 */
export function findExcessiveFlowNesting(text: string, max: number): number {
  let depth = 0;
  let quote = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (quote) {
      if (c === quote) quote = 0;
      else if (c === 92 /* \\ */ && quote === 34) i++;
      else if (c === 10) quote = 0;
      continue;
    }
    if (c === 34 || c === 39) quote = c;
    else if (c === 35 /* # */ && (i === 0 || text.charCodeAt(i - 1) === 32 || text.charCodeAt(i - 1) === 10)) {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? text.length : nl;
    } else if (c === 91 || c === 123) {
      if (++depth > max) return i;
    } else if (c === 93 || c === 125) depth = Math.max(0, depth - 1);
  }
  return -1;
}

/** The plain or quoted key that starts at `offset` (the yaml package points duplicate-key errors there). */
function keyAt(text: string, offset: number): string {
  const m = /^("(?:[^"\\\n]|\\.)*"|'(?:[^'\n]|'')*'|[^\s:,{}[\]#][^:\n]*?)(?=\s*:(?:\s|$))/.exec(text.slice(offset, offset + 1024));
  return m ? m[1]! : text.slice(offset, offset + 1);
}

/**
 * The file's first `most` documents, composed as `parseAllDocuments` composes them, and how many
 * documents the file holds. The documents past `most` are only counted, from the parser's tokens
 * (a fifth of the cost of composing them): a file far over the document limit is not built whole
 * to say so.
 */
function composeUpTo(text: string, most: number): { documents: Document.Parsed[]; total: number } {
  const tokens = new Parser().parse(text);
  let total = 0;
  // Hands the composer tokens up to the last document it is to build; `tokens` stays open after.
  function* upTo(): Generator<CST.Token> {
    for (let t = tokens.next(); !t.done; t = tokens.next()) {
      yield t.value;
      if (t.value.type === 'document' && ++total >= most) return;
    }
  }
  const documents = Array.from(new Composer(YAML_OPTIONS).compose(upTo())) as Document.Parsed[];
  for (let t = tokens.next(); !t.done; t = tokens.next()) if (t.value.type === 'document') total++;
  return { documents, total };
}

export function parseYaml(text: string, limits: ParseLimits = DEFAULT_PARSE_LIMITS): ParsedFile {
  const lines = new LineIndex(text);
  const diagnostics: Diagnostic[] = [];
  const documents: ParsedDocument[] = [];

  if (text.length > limits.maxDocumentChars) {
    diagnostics.push({
      range: lines.range(0, Math.min(text.length, lines.lineEnd(0))),
      severity: 'error',
      code: 'yaml/limit',
      message: `File is ${text.length.toLocaleString('en-US')} characters, more than the limit of ${limits.maxDocumentChars.toLocaleString('en-US')}; it is not checked (setting rlhfLens.limits.maxDocumentChars).`,
    });
    return { text, lines, documents, diagnostics };
  }

  const nul = text.indexOf('\u0000');
  if (nul >= 0) {
    const at = lines.positionAt(nul);
    diagnostics.push({
      range: { start: at, end: { line: at.line, character: at.character + 1 } },
      severity: 'error',
      code: 'yaml/syntax',
      message: 'This file contains NUL bytes: it looks binary, not YAML; it is not checked.',
    });
    return { text, lines, documents, diagnostics };
  }

  const deep = findExcessiveFlowNesting(text, limits.maxNestingDepth);
  if (deep >= 0) {
    diagnostics.push({
      range: lines.range(deep, deep + 1),
      severity: 'error',
      code: 'yaml/limit',
      message: `Collections are nested more than ${limits.maxNestingDepth} levels deep here; the file is not checked (setting rlhfLens.limits.maxNestingDepth).`,
    });
    return { text, lines, documents, diagnostics };
  }

  let parsed: Document.Parsed[];
  let total: number;
  try {
    ({ documents: parsed, total } = composeUpTo(text, limits.maxDocuments + 1));
  } catch (err) {
    diagnostics.push({
      range: lines.range(0, lines.lineEnd(0)),
      severity: 'error',
      code: 'yaml/syntax',
      message: `YAML could not be parsed: ${(err as Error).message}`,
    });
    return { text, lines, documents, diagnostics };
  }

  if (total > limits.maxDocuments) {
    const extra = parsed[limits.maxDocuments]!;
    const start = extra.range?.[0] ?? 0;
    diagnostics.push({
      range: lines.range(start, lines.lineEnd(lines.positionAt(start).line)),
      severity: 'error',
      code: 'yaml/limit',
      message: `File holds ${total.toLocaleString('en-US')} YAML documents, more than the limit of ${limits.maxDocuments.toLocaleString('en-US')}; documents after this point are not checked.`,
    });
    parsed = parsed.slice(0, limits.maxDocuments);
  }

  for (const doc of parsed) {
    let hasErrors = false;
    for (const e of doc.errors) {
      hasErrors = true;
      const [s, eEnd] = e.pos;
      const code = e.code === 'DUPLICATE_KEY' ? 'yaml/duplicate-key' : 'yaml/syntax';
      const message =
        code === 'yaml/duplicate-key'
          ? `Duplicate key "${keyAt(text, s)}": a key is given twice in one mapping and YAML would keep only one of them; remove or rename one.`
          : `YAML syntax error: ${firstLine(e.message)}`;
      const end = code === 'yaml/duplicate-key' ? s + keyAt(text, s).length : Math.max(eEnd, s + 1);
      diagnostics.push({ range: lines.range(s, end), severity: 'error', code, message });
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: limits.maxAliasCount });
    } catch (err) {
      hasErrors = true;
      const msg = (err as Error).message;
      const isAliasBomb = /alias|Excessive/i.test(msg);
      const start = doc.range?.[0] ?? 0;
      diagnostics.push({
        range: lines.range(start, lines.lineEnd(lines.positionAt(start).line)),
        severity: 'error',
        code: isAliasBomb && /Excessive/i.test(msg) ? 'yaml/limit' : 'yaml/syntax',
        message: /Excessive/i.test(msg)
          ? `YAML aliases expand to too many nodes (more than ${limits.maxAliasCount}); this document is refused (a "billion laughs" file?).`
          : `YAML could not be resolved: ${firstLine(msg)}`,
      });
      value = undefined;
    }
    const [start, , end] = doc.range ?? [0, text.length, text.length];
    documents.push({ doc, value, start, end, hasErrors });
  }
  return { text, lines, documents, diagnostics };
}
