/** `rlhf-lens lint`: the same checks as the editor, for terminals and CI. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { lintText, BUILTIN_CODES, BUILTIN_DESCRIPTIONS } from '../config/lint';
import type { Diagnostic, Severity } from '../config/diagnostic';
import { RULES } from '../config/rules/registry';
import { FileSystemFacts } from '../workspace/index';
import { loadRuleSettings, SETTINGS_FILE } from '../workspace/rule-settings';
import { VERSION } from '../version';
import { intOption, parseArgs, UsageError } from './args';
import { lintTargets } from '../workspace/config-files';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, type CliIO } from './io';
import { plural } from '../text/plural';

export const LINT_HELP = `Usage: rlhf-lens lint [PATH|GLOB...] [options]

Checks pipeline, experiment and training-config YAML files. PATH may be a file or a folder
(searched recursively for *.pipeline.yaml, *.experiment.yaml, *.training.yaml and YAML files
with "apiVersion: rlhf-lens/v1"); GLOB is a pattern such as "configs/**/*.yaml" (quote it).
Files matched by .gitignore are skipped unless named explicitly. Default: the current folder.

Rule severities can be changed in ${SETTINGS_FILE} (in the current folder or the nearest
ancestor up to the repository root):  rules: {pipeline/phase-order: error, ref/file-not-found: off}

Options:
  --format text|json|sarif   output format (default text); sarif is SARIF 2.1.0 for code scanning
  --max-warnings N           also fail (exit 1) when there are more than N warnings
  --help                     show this help

Exit codes: 0 no errors, 1 errors found (or too many warnings), 2 usage or I/O problem.
`;

const DOCS_BASE = 'https://github.com/rlhf-lens/rlhf-lens/blob/main/docs/rules/';

interface FileResult {
  path: string;
  diagnostics: Diagnostic[];
}

function summarize(results: FileResult[]): { files: number; errors: number; warnings: number; information: number; hints: number } {
  const counts: Record<Severity, number> = { error: 0, warning: 0, information: 0, hint: 0 };
  for (const r of results) for (const d of r.diagnostics) counts[d.severity]++;
  return { files: results.length, errors: counts.error, warnings: counts.warning, information: counts.information, hints: counts.hint };
}

/** The folder whose `.rlhf-lens.yaml` applies: the nearest ancestor of `cwd` holding one, stopping at the repository root. */
function settingsRoot(cwd: string): string | undefined {
  let cur = path.resolve(cwd);
  for (;;) {
    if (fs.existsSync(path.join(cur, SETTINGS_FILE))) return cur;
    if (fs.existsSync(path.join(cur, '.git')) || path.dirname(cur) === cur) return undefined;
    cur = path.dirname(cur);
  }
}

export function runLint(argv: string[], io: CliIO): number {
  const args = parseArgs(argv, { format: { value: true, choices: ['text', 'json', 'sarif'] }, 'max-warnings': { value: true }, help: {} });
  if (args.options['help']) {
    io.out(LINT_HELP);
    return EXIT_OK;
  }
  const maxWarnings = intOption(args, 'max-warnings', 0, Number.MAX_SAFE_INTEGER);
  const targets = args.positionals.length ? args.positionals : ['.'];
  const root = settingsRoot(io.cwd);
  const settings = root ? loadRuleSettings(root) : { severities: {}, problems: [] };
  let files: string[];
  try {
    files = lintTargets(targets, io.cwd, settings.kindMap);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const which = e.path ? path.relative(io.cwd, e.path) || e.path : targets.join(' ');
    io.err(`rlhf-lens lint: cannot read ${which}: ${e.code === 'ENOENT' ? 'no such file or folder' : e.message}\n`);
    return EXIT_USAGE;
  }
  for (const p of settings.problems) io.err(`rlhf-lens lint: ${p}\n`);
  const facts = new FileSystemFacts(() => settings.kindMap);
  const results: FileResult[] = [];
  for (const f of files) {
    const abs = path.resolve(io.cwd, f);
    let text: string;
    try {
      text = fs.readFileSync(abs, 'utf8');
    } catch (err) {
      io.err(`rlhf-lens lint: cannot read ${f}: ${(err as Error).message}\n`);
      return EXIT_USAGE;
    }
    results.push({ path: f, diagnostics: lintText(text, {
        path: abs,
        facts,
        severities: settings.severities,
        ...(settings.kindMap ? { kindMap: settings.kindMap } : {}),
        ...(settings.hardware ? { project: { hardware: settings.hardware } } : {}),
      }) });
  }
  const summary = summarize(results);
  const format = args.options['format'] ?? 'text';
  if (format === 'json') {
    io.out(JSON.stringify({ files: results.map((r) => ({ path: r.path, diagnostics: r.diagnostics.map(jsonDiagnostic) })), summary }, null, 2) + '\n');
  } else if (format === 'sarif') {
    io.out(JSON.stringify(sarifLog(results, io.cwd), null, 2) + '\n');
  } else {
    for (const r of results) {
      for (const d of r.diagnostics) {
        io.out(`${r.path}:${d.range.start.line + 1}:${d.range.start.character + 1} ${d.severity} ${d.code} ${d.message}\n`);
      }
    }
    io.out(`${plural(summary.files, 'file')} checked: ${plural(summary.errors, 'error')}, ${plural(summary.warnings, 'warning')}\n`);
  }
  if (maxWarnings !== undefined && summary.warnings > maxWarnings) {
    io.err(`rlhf-lens lint: ${plural(summary.warnings, 'warning')}, more than --max-warnings ${maxWarnings}\n`);
    return EXIT_FINDINGS;
  }
  return summary.errors > 0 ? EXIT_FINDINGS : EXIT_OK;
}

function jsonDiagnostic(d: Diagnostic): Record<string, unknown> {
  const out: Record<string, unknown> = { range: d.range, severity: d.severity, code: d.code, message: d.message };
  if (d.related?.length) out['related'] = d.related;
  if (d.fixes?.length) out['fixes'] = d.fixes;
  return out;
}

const SARIF_LEVEL: Record<Severity, string> = { error: 'error', warning: 'warning', information: 'note', hint: 'note' };

function sarifRegion(range: Diagnostic['range']): Record<string, number> {
  return { startLine: range.start.line + 1, startColumn: range.start.character + 1, endLine: range.end.line + 1, endColumn: range.end.character + 1 };
}

/** A SARIF 2.1.0 log (https://docs.oasis-open.org/sarif/sarif/v2.1.0/) with one run. */
function sarifLog(results: FileResult[], cwd: string): Record<string, unknown> {
  const ruleIds = [...RULES.map((r) => r.id), ...BUILTIN_CODES];
  const describe = new Map<string, { text: string; level: Severity }>([
    ...RULES.map((r) => [r.id, { text: r.description, level: r.defaultSeverity }] as const),
    ...BUILTIN_CODES.map((c) => [c, { text: BUILTIN_DESCRIPTIONS[c]!, level: 'error' as Severity }] as const),
  ]);
  const index = new Map(ruleIds.map((id, i) => [id, i]));
  const uriOf = (p: string): string => (path.isAbsolute(p) ? pathToFileURL(p).toString() : p.split(path.sep).join('/'));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'rlhf-lens',
            version: VERSION,
            informationUri: 'https://github.com/rlhf-lens/rlhf-lens',
            rules: ruleIds.map((id) => ({
              id,
              shortDescription: { text: describe.get(id)!.text },
              helpUri: `${DOCS_BASE}${id}.md`,
              defaultConfiguration: { level: SARIF_LEVEL[describe.get(id)!.level] },
            })),
          },
        },
        originalUriBaseIds: { SRCROOT: { uri: pathToFileURL(cwd + path.sep).toString() } },
        columnKind: 'utf16CodeUnits',
        results: results.flatMap((r) =>
          r.diagnostics.map((d) => {
            const location = { physicalLocation: { artifactLocation: { uri: uriOf(r.path), ...(path.isAbsolute(r.path) ? {} : { uriBaseId: 'SRCROOT' }) }, region: sarifRegion(d.range) } };
            const result: Record<string, unknown> = { ruleId: d.code, level: SARIF_LEVEL[d.severity], message: { text: d.message }, locations: [location] };
            if (index.has(d.code)) result['ruleIndex'] = index.get(d.code);
            if (d.related?.length) {
              result['relatedLocations'] = d.related.map((rel, i) => ({
                id: i,
                message: { text: rel.message },
                physicalLocation: { artifactLocation: rel.path ? { uri: uriOf(rel.path) } : location.physicalLocation.artifactLocation, region: sarifRegion(rel.range) },
              }));
            }
            return result;
          }),
        ),
      },
    ],
  };
}

export { UsageError };
