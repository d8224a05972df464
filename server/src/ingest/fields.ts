/**
 * Reading typed values out of rows. CSV cells arrive as strings and JSON values as JSON types;
 * each reader accepts both and returns undefined (with a reason from `describe`) when a value is
 * missing or not of the type needed.
 */

/** A finite number from a number or a numeric string; undefined otherwise (NaN and Inf included). */
export function finiteNumber(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : undefined;
}

/** A number that may be NaN or infinite (training logs: a NaN loss is data, not a bad row). */
export function loggedNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string') return undefined;
  const t = v.trim();
  if (/^[+-]?nan$/i.test(t)) return NaN;
  if (/^[+-]?inf(inity)?$/i.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
  if (t === '') return undefined;
  const n = Number(t);
  return Number.isNaN(n) ? undefined : n;
}

const TRUE = new Set(['true', '1', 'yes', 'y', 't', '1.0']);
const FALSE = new Set(['false', '0', 'no', 'n', 'f', '0.0']);

/** 1 or 0 from a boolean, 0/1 number, or a true/false-like string. */
export function flag(v: unknown): 0 | 1 | undefined {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v === 1 || v === 0) return v;
  if (typeof v === 'string') {
    const t = v.trim().toLowerCase();
    if (TRUE.has(t)) return 1;
    if (FALSE.has(t)) return 0;
  }
  return undefined;
}

/** An array of finite numbers from a JSON array or a JSON-array string (a CSV cell). */
export function numberList(v: unknown): number[] | undefined {
  let list = v;
  if (typeof v === 'string' && v.trim().startsWith('[')) {
    try {
      list = JSON.parse(v);
    } catch {
      return undefined;
    }
  }
  if (!Array.isArray(list) || list.length === 0) return undefined;
  const out = new Array<number>(list.length);
  for (let i = 0; i < list.length; i++) {
    const n = finiteNumber(list[i]);
    if (n === undefined) return undefined;
    out[i] = n;
  }
  return out;
}

/** A label or id: a non-empty string or a finite number, as a string. */
export function key(v: unknown): string | undefined {
  if (typeof v === 'string') return v.trim() === '' ? undefined : v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v === 'boolean') return String(v);
  return undefined;
}

/** Why `v` (the value of `field`) could not be used, for the skipped-rows report. */
export function describe(field: string, v: unknown, wanted: string): string {
  if (v === undefined) return `missing "${field}"`;
  if (typeof v === 'number' && !Number.isFinite(v)) return `"${field}" is ${v} where ${wanted} is needed`;
  const shown = typeof v === 'string' ? JSON.stringify(v.length > 40 ? v.slice(0, 40) + '...' : v) : Array.isArray(v) ? 'an array' : v === null ? 'null' : typeof v;
  return `"${field}" is ${shown}, not ${wanted}`;
}
