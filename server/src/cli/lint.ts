/** `rlhf-lens lint`: the same checks as the editor, for terminals and CI. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { lintText } from '../config/lint';
import { isConfigFile } from '../config/kind';
import type { Diagnostic, Severity } from '../config/diagnostic';
import { parseArgs, UsageError } from './args';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, type CliIO } from './io';

export const LINT_HELP = `Usage: rlhf-lens lint [PATH...] [options]

Checks pipeline, experiment and training-config YAML files. PATH may be a file or a folder
(searched recursively for *.pipeline.yaml, *.experiment.yaml, *.training.yaml and YAML files
with "apiVersion: rlhf-lens/v1"). Default: the current folder.

Options:
  --format text|json   output format (default text)
  --help               show this help

Exit codes: 0 no errors, 1 errors found, 2 usage or I/O problem.
`;

interface FileResult {
  path: string;
  diagnostics: Diagnostic[];
}

const SKIP_DIRS = new Set(['node_modules', '.git', 'dist', 'out', '.venv', '__pycache__']);

function collect(target: string, cwd: string, explicit: boolean, out: string[]): void {
  const abs = path.resolve(cwd, target);
  const st = fs.statSync(abs);
  if (st.isDirectory()) {
    for (const entry of fs.readdirSync(abs, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.isDirectory() && (SKIP_DIRS.has(entry.name) || entry.name.startsWith('.'))) continue;
      collect(path.join(target, entry.name), cwd, false, out);
    }
  } else if (st.isFile()) {
    if (explicit) out.push(target);
    else if (/\.ya?ml$/i.test(target)) {
      const text = fs.readFileSync(abs, 'utf8');
      if (isConfigFile(abs, text)) out.push(target);
    }
  }
}

function summarize(results: FileResult[]): Record<string, number> {
  const counts: Record<Severity, number> = { error: 0, warning: 0, information: 0, hint: 0 };
  for (const r of results) for (const d of r.diagnostics) counts[d.severity]++;
  return { files: results.length, errors: counts.error, warnings: counts.warning, information: counts.information, hints: counts.hint };
}

export function runLint(argv: string[], io: CliIO): number {
  const args = parseArgs(argv, { format: { value: true, choices: ['text', 'json'] }, help: {} });
  if (args.options['help']) {
    io.out(LINT_HELP);
    return EXIT_OK;
  }
  const targets = args.positionals.length ? args.positionals : ['.'];
  const files: string[] = [];
  for (const t of targets) {
    try {
      collect(t, io.cwd, true, files);
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      io.err(`rlhf-lens lint: cannot read ${t}: ${e.code === 'ENOENT' ? 'no such file or folder' : e.message}\n`);
      return EXIT_USAGE;
    }
  }
  const results: FileResult[] = [];
  for (const f of files) {
    let text: string;
    try {
      text = fs.readFileSync(path.resolve(io.cwd, f), 'utf8');
    } catch (err) {
      io.err(`rlhf-lens lint: cannot read ${f}: ${(err as Error).message}\n`);
      return EXIT_USAGE;
    }
    results.push({ path: f, diagnostics: lintText(text, { path: path.resolve(io.cwd, f) }) });
  }
  const summary = summarize(results);
  if (args.options['format'] === 'json') {
    io.out(JSON.stringify({ files: results.map((r) => ({ path: r.path, diagnostics: r.diagnostics.map(jsonDiagnostic) })), summary }, null, 2) + '\n');
  } else {
    for (const r of results) {
      for (const d of r.diagnostics) {
        io.out(`${r.path}:${d.range.start.line + 1}:${d.range.start.character + 1} ${d.severity} ${d.code} ${d.message}\n`);
      }
    }
    io.out(
      `${summary['files']} file${summary['files'] === 1 ? '' : 's'} checked: ${summary['errors']} error${summary['errors'] === 1 ? '' : 's'}, ${summary['warnings']} warning${summary['warnings'] === 1 ? '' : 's'}\n`,
    );
  }
  return summary['errors']! > 0 ? EXIT_FINDINGS : EXIT_OK;
}

function jsonDiagnostic(d: Diagnostic): Record<string, unknown> {
  const out: Record<string, unknown> = { range: d.range, severity: d.severity, code: d.code, message: d.message };
  if (d.related?.length) out['related'] = d.related;
  return out;
}

export { UsageError };
