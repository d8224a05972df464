/**
 * The one entry point that checks a config file: used by the language server and by `rlhf-lens lint`,
 * so that the editor and the CLI can never disagree.
 *
 * Pure: takes text and facts, returns diagnostics. It reads no files itself.
 */
import { compareDiagnostics, type Diagnostic } from './diagnostic';
import { parseYaml, DEFAULT_PARSE_LIMITS, type ParseLimits } from './parse';

export interface LintOptions {
  /** Absolute path (or URI path) of the file, used to resolve relative references and pick the kind. */
  path: string;
  limits?: ParseLimits;
}

export function lintText(text: string, options: LintOptions): Diagnostic[] {
  const parsed = parseYaml(text, options.limits ?? DEFAULT_PARSE_LIMITS);
  return parsed.diagnostics.slice().sort(compareDiagnostics);
}
