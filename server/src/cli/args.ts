/**
 * A small, strict argument parser for the CLI: `--name value`, `--name=value`, boolean flags,
 * repeatable options and positionals. Unknown options are usage errors (exit code 2).
 */
export class UsageError extends Error {}

export interface OptionSpec {
  /** Takes a value (`--bins 10`) rather than being a flag (`--json`). */
  value?: boolean;
  /** May be given several times; values are collected in order. */
  repeat?: boolean;
  /** Allowed values. */
  choices?: readonly string[];
}

export interface ParsedArgs {
  positionals: string[];
  options: Record<string, string | string[] | boolean | undefined>;
}

export function parseArgs(argv: string[], spec: Record<string, OptionSpec>): ParsedArgs {
  const positionals: string[] = [];
  const options: ParsedArgs['options'] = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--') || arg === '-') {
      if (arg.startsWith('-') && arg !== '-' && arg !== '-h') throw new UsageError(`unknown option ${arg}`);
      if (arg === '-h') options['help'] = true;
      else positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
    const s = spec[name];
    if (!s) throw new UsageError(`unknown option --${name}`);
    let value: string | boolean = true;
    if (s.value) {
      if (eq >= 0) value = arg.slice(eq + 1);
      else {
        const next = argv[i + 1];
        if (next === undefined) throw new UsageError(`option --${name} needs a value`);
        value = next;
        i++;
      }
      if (s.choices && !s.choices.includes(value)) {
        throw new UsageError(`option --${name} must be one of ${s.choices.join(', ')} (got "${value}")`);
      }
    } else if (eq >= 0) throw new UsageError(`option --${name} takes no value`);
    if (s.repeat) {
      const prev = options[name];
      options[name] = [...(Array.isArray(prev) ? prev : []), String(value)];
    } else options[name] = value;
  }
  return { positionals, options };
}

export function intOption(args: ParsedArgs, name: string, min: number, max: number): number | undefined {
  const v = args.options[name];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`option --${name} must be a whole number from ${min} to ${max} (got "${v}")`);
  return n;
}

export function numberOption(args: ParsedArgs, name: string): number | undefined {
  const v = args.options[name];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (typeof v !== 'string' || v.trim() === '' || !Number.isFinite(n)) throw new UsageError(`option --${name} must be a number (got "${v}")`);
  return n;
}

export function stringOption(args: ParsedArgs, name: string): string | undefined {
  const v = args.options[name];
  return typeof v === 'string' ? v : undefined;
}
