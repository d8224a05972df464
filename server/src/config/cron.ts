/**
 * Five-field cron expressions (minute hour day-of-month month day-of-week), as Vixie cron reads
 * them: lists, ranges, steps, month and weekday names, and the @hourly-style macros.
 */

export interface CronProblem {
  message: string;
  /** Offsets in the expression text. */
  start: number;
  end: number;
}

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
  /** Value of the first name (month names start at 1, weekday names at 0). */
  namesFrom?: number;
}

const FIELDS: readonly FieldSpec[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'], namesFrom: 1 },
  { name: 'day of week', min: 0, max: 7, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'], namesFrom: 0 },
];

const MACROS = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);
const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
/** Longest month lengths (February 29 in leap years). */
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

interface ParsedField {
  values: Set<number>;
  /** True for a bare star (every value): not restricted, which matters for day-of-month/day-of-week. */
  any: boolean;
  start: number;
  end: number;
}

function parseValue(text: string, spec: FieldSpec): number | undefined {
  if (/^\d+$/.test(text)) return Number(text);
  const i = spec.names?.indexOf(text.toUpperCase()) ?? -1;
  return i >= 0 ? i + spec.namesFrom! : undefined;
}

function parseField(text: string, spec: FieldSpec, offset: number): ParsedField | CronProblem {
  const values = new Set<number>();
  const problem = (message: string): CronProblem => ({ message, start: offset, end: offset + text.length });
  let any = false;
  for (const item of text.split(',')) {
    const m = /^(\*|[A-Za-z0-9]+(?:-[A-Za-z0-9]+)?)(?:\/(\d+))?$/.exec(item);
    if (!m) return problem(`"${item}" is not a valid ${spec.name} (write a number, a range a-b, a list a,b or a step */n).`);
    const step = m[2] === undefined ? 1 : Number(m[2]);
    if (step < 1) return problem(`The step in "${item}" must be at least 1.`);
    let lo = spec.min;
    let hi = spec.max;
    if (m[1] === '*') {
      if (step === 1) any = true;
    } else {
      const [a, b] = m[1]!.split('-');
      const from = parseValue(a!, spec);
      const to = b === undefined ? (m[2] === undefined ? from : spec.max) : parseValue(b, spec);
      if (from === undefined || to === undefined) return problem(`"${item}" is not a valid ${spec.name}.`);
      for (const v of [from, to]) {
        if (v < spec.min || v > spec.max) return problem(`${spec.name[0]!.toUpperCase()}${spec.name.slice(1)} ${v} is out of range; it must be ${spec.min}-${spec.max}.`);
      }
      if (from > to) return problem(`The range "${item}" runs backwards (${from} > ${to}).`);
      lo = from;
      hi = to;
    }
    for (let v = lo; v <= hi; v += step) values.add(spec.name === 'day of week' && v === 7 ? 0 : v);
  }
  return { values, any, start: offset, end: offset + text.length };
}

/** The first problem of a cron expression, or undefined when it is valid and can fire. */
export function checkCron(expression: string): CronProblem | undefined {
  const trimmed = expression.trim();
  const lead = expression.indexOf(trimmed);
  if (trimmed.startsWith('@')) {
    return MACROS.has(trimmed.toLowerCase())
      ? undefined
      : { message: `Unknown cron macro "${trimmed}"; use ${[...MACROS].join(', ')} or five fields.`, start: lead, end: lead + trimmed.length };
  }
  const parts: { text: string; start: number }[] = [];
  for (const m of trimmed.matchAll(/\S+/g)) parts.push({ text: m[0], start: lead + m.index! });
  if (parts.length !== 5) {
    return {
      message: `A cron expression has 5 fields (minute hour day-of-month month day-of-week); this one has ${parts.length}.`,
      start: lead,
      end: lead + trimmed.length,
    };
  }
  const fields: ParsedField[] = [];
  for (let i = 0; i < 5; i++) {
    const f = parseField(parts[i]!.text, FIELDS[i]!, parts[i]!.start);
    if ('message' in f) return f;
    fields.push(f);
  }
  const [, , dom, month, dow] = fields as [ParsedField, ParsedField, ParsedField, ParsedField, ParsedField];
  // When both day fields are restricted cron fires on either, so the weekday rescues any date.
  if (dom.any || !dow.any) return undefined;
  for (const m of month.values) for (const d of dom.values) if (d <= DAYS_IN_MONTH[m - 1]!) return undefined;
  const days = [...dom.values].sort((a, b) => a - b).join(', ');
  const months = [...month.values].sort((a, b) => a - b).map((m) => MONTH_NAMES[m - 1]).join(', ');
  return { message: `This schedule never fires: day ${days} does not occur in ${months}.`, start: dom.start, end: month.end };
}
