/**
 * `${{ ... }}` expressions inside config strings: finding them with their offsets, and reading the
 * reference they hold (`params.NAME`, `stages.ID.outputs.NAME`, `env.NAME`, `metadata.name`).
 */

export const EXPRESSION_ROOTS = ['params', 'stages', 'env', 'metadata'] as const;

export interface Segment {
  name: string;
  /** Offsets in the text that was searched (plus the base offset given). */
  start: number;
  end: number;
}

export interface Expression {
  /** Offsets of the whole `${{ ... }}`. */
  start: number;
  end: number;
  /** The text between the braces, trimmed. */
  body: string;
  /** Offsets of the trimmed body (the place to point at for a syntax error). */
  bodyStart: number;
  bodyEnd: number;
  /** The dotted reference, when the body is one. */
  segments?: Segment[];
  /** Why the expression cannot be read, when it cannot. */
  syntaxError?: string;
}

const SEGMENT = /[A-Za-z0-9_][A-Za-z0-9_-]*/y;

function readReference(body: string, base: number): Segment[] | undefined {
  const segments: Segment[] = [];
  let i = 0;
  for (;;) {
    SEGMENT.lastIndex = i;
    const m = SEGMENT.exec(body);
    if (!m) return undefined;
    segments.push({ name: m[0], start: base + i, end: base + i + m[0].length });
    i += m[0].length;
    if (i === body.length) return segments;
    if (body[i] !== '.') return undefined;
    i++;
  }
}

/** Every `${{ ... }}` in `text`; offsets are `base` + the index in `text`. */
export function findExpressions(text: string, base = 0): Expression[] {
  const out: Expression[] = [];
  let from = 0;
  for (;;) {
    const open = text.indexOf('${{', from);
    if (open < 0) return out;
    const close = text.indexOf('}}', open + 3);
    const nextOpen = text.indexOf('${{', open + 3);
    if (close < 0 || (nextOpen >= 0 && nextOpen < close)) {
      const lineEnd = text.indexOf('\n', open);
      const end = lineEnd < 0 ? text.length : lineEnd;
      out.push({
        start: base + open,
        end: base + end,
        body: text.slice(open + 3, end).trim(),
        bodyStart: base + open,
        bodyEnd: base + open + 3,
        syntaxError: 'This "${{" is never closed with "}}".',
      });
      from = open + 3;
      continue;
    }
    const raw = text.slice(open + 3, close);
    const lead = raw.length - raw.trimStart().length;
    const body = raw.trim();
    const bodyStart = base + open + 3 + lead;
    const expr: Expression = { start: base + open, end: base + close + 2, body, bodyStart, bodyEnd: bodyStart + body.length };
    if (!body) {
      expr.bodyStart = base + open;
      expr.bodyEnd = base + close + 2;
      expr.syntaxError = 'Empty expression; write a reference such as "${{ params.NAME }}".';
    } else {
      const segments = readReference(body, bodyStart);
      if (segments) expr.segments = segments;
      else expr.syntaxError = `"${body}" is not a reference; write one of params.NAME, stages.ID.outputs.NAME, env.NAME or metadata.name.`;
    }
    out.push(expr);
    from = close + 2;
  }
}

/** Why a dotted reference has the wrong shape for its root, or undefined when it is well formed. */
export function referenceShapeError(segments: readonly Segment[]): string | undefined {
  const [root, ...rest] = segments.map((s) => s.name);
  switch (root) {
    case 'params':
      return rest.length === 1 ? undefined : 'Write a parameter reference as params.NAME.';
    case 'env':
      return rest.length === 1 ? undefined : 'Write an environment variable reference as env.NAME.';
    case 'metadata':
      return rest.length === 1 && rest[0] === 'name' ? undefined : 'Only metadata.name can be used in an expression.';
    case 'stages':
      return rest.length === 3 && rest[1] === 'outputs' ? undefined : 'Write a stage output reference as stages.ID.outputs.NAME.';
    default:
      return `Unknown expression root "${root}"; an expression starts with params, stages, env or metadata.`;
  }
}
