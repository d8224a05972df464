/**
 * Tiny runtime type checks for messages that cross a process or webview boundary.
 * Each checker returns the typed value or throws a MessageError that says which field is wrong.
 * Used by client, server and webviews alike (no Node or DOM imports).
 */
export class MessageError extends Error {}

export type Checker<T> = (value: unknown, path?: string) => T;
export type Checked<C> = C extends Checker<infer T> ? T : never;

function fail(path: string, expected: string, value: unknown): never {
  const got = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
  throw new MessageError(`${path || 'message'}: expected ${expected}, got ${got}`);
}

export const str: Checker<string> = (v, p = '') => (typeof v === 'string' ? v : fail(p, 'string', v));
export const num: Checker<number> = (v, p = '') =>
  typeof v === 'number' && Number.isFinite(v) ? v : fail(p, 'finite number', v);
export const bool: Checker<boolean> = (v, p = '') => (typeof v === 'boolean' ? v : fail(p, 'boolean', v));
export const unknownValue: Checker<unknown> = (v) => v;

export function literal<const T extends string | number | boolean>(...values: T[]): Checker<T> {
  return (v, p = '') => ((values as unknown[]).includes(v) ? (v as T) : fail(p, values.map((x) => JSON.stringify(x)).join(' | '), v));
}

export function optional<T>(c: Checker<T>): Checker<T | undefined> {
  return (v, p = '') => (v === undefined ? undefined : c(v, p));
}

export function arrayOf<T>(c: Checker<T>, maxLength = 1_000_000): Checker<T[]> {
  return (v, p = '') => {
    if (!Array.isArray(v)) return fail(p, 'array', v);
    if (v.length > maxLength) throw new MessageError(`${p}: more than ${maxLength} items`);
    return v.map((x, i) => c(x, `${p}[${i}]`));
  };
}

export function recordOf<T>(c: Checker<T>): Checker<Record<string, T>> {
  return (v, p = '') => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return fail(p, 'object', v);
    const out: Record<string, T> = {};
    for (const [k, x] of Object.entries(v)) out[k] = c(x, `${p}.${k}`);
    return out;
  };
}

type Shape = Record<string, Checker<unknown>>;
type FromShape<S extends Shape> = { [K in keyof S as undefined extends Checked<S[K]> ? never : K]: Checked<S[K]> } & {
  [K in keyof S as undefined extends Checked<S[K]> ? K : never]?: Checked<S[K]>;
};

/** An object with exactly the given fields (unknown fields are rejected). */
export function object<S extends Shape>(shape: S): Checker<FromShape<S>> {
  return (v, p = '') => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return fail(p, 'object', v);
    const rec = v as Record<string, unknown>;
    for (const k of Object.keys(rec)) if (!(k in shape)) throw new MessageError(`${p ? p + '.' : ''}${k}: unexpected field`);
    const out: Record<string, unknown> = {};
    for (const [k, c] of Object.entries(shape)) {
      const x = c(rec[k], p ? `${p}.${k}` : k);
      if (x !== undefined) out[k] = x;
    }
    return out as FromShape<S>;
  };
}

/** A tagged union on the `type` field. */
export function tagged<M extends Record<string, Checker<unknown>>>(variants: M): Checker<Checked<M[keyof M]>> {
  return (v, p = '') => {
    if (typeof v !== 'object' || v === null) return fail(p, 'object with a "type"', v);
    const t = (v as { type?: unknown }).type;
    if (typeof t !== 'string' || !(t in variants)) {
      throw new MessageError(`${p ? p + '.' : ''}type: expected one of ${Object.keys(variants).join(', ')}, got ${JSON.stringify(t)}`);
    }
    return variants[t]!(v, p) as Checked<M[keyof M]>;
  };
}

/** Accepts null as well as what `c` accepts. */
export function nullable<T>(c: Checker<T>): Checker<T | null> {
  return (v, p = '') => (v === null ? null : c(v, p));
}

/** A [step, value] pair of a drawn series. */
export const point: Checker<[number, number]> = (v, p = '') => {
  if (!Array.isArray(v) || v.length !== 2 || typeof v[0] !== 'number' || typeof v[1] !== 'number') {
    throw new MessageError(`${p || 'point'}: expected [number, number]`);
  }
  return v as [number, number];
};
/** Series may be long (the benchmark sends 1M points); each point is still checked. */
export const series = arrayOf(point, 2_000_000);
