/**
 * Plain-data diagnostics shared by the language server, the CLI and the rules.
 *
 * Positions are 0-based line/character as in LSP (character = UTF-16 code units).
 * Nothing here imports LSP types: `handlers/` converts at the edge.
 */
export type Severity = 'error' | 'warning' | 'information' | 'hint';

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export interface RelatedInfo {
  /** File path (absolute) or URI of the related location; undefined means "this file". */
  path?: string;
  range: Range;
  message: string;
}

/** A text edit proposed by a quick fix, in the same file unless `path` is set. */
export interface TextEditData {
  path?: string;
  range: Range;
  newText: string;
}

export interface FixData {
  title: string;
  edits: TextEditData[];
  /** True when applying the fix cannot change meaning beyond what the title says. */
  safe?: boolean;
}

export interface Diagnostic {
  range: Range;
  severity: Severity;
  /** Rule id, e.g. `pipeline/cycle`. */
  code: string;
  message: string;
  related?: RelatedInfo[];
  /** Quick fixes, carried in the LSP diagnostic's `data` for the code action handler to read back. */
  fixes?: FixData[];
}

export const SEVERITY_ORDER: Record<Severity, number> = { error: 1, warning: 2, information: 3, hint: 4 };

export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return (
    a.range.start.line - b.range.start.line ||
    a.range.start.character - b.range.start.character ||
    SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
    a.code.localeCompare(b.code)
  );
}
