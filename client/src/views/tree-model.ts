/**
 * The RLHF Lens views as plain data: what the Configs, Data Files and Checks trees show for a
 * workspace overview (from the server) and the problem counts of the published diagnostics. Pure
 * (no vscode import) so it is unit-tested; views/trees.ts turns these nodes into TreeItems.
 */
import * as path from 'node:path';
import type { CheckResult, DataFileInfo, OverviewCheck, OverviewConfig, OverviewPipeline, WorkspaceOverview } from '../../../server/src/protocol/lsp';
import { plural } from '../../../server/src/text/plural';

export interface ProblemCounts {
  errors: number;
  warnings: number;
}

export type NodeCommand =
  | { kind: 'open'; path: string; line?: number }
  | { kind: 'runCheck'; path: string; stageId: string; checkIndex: number };

export interface ViewNode {
  /** Stable across refreshes (keeps expansion state). */
  id: string;
  label: string;
  description?: string;
  tooltip?: string;
  /** A codicon id (`pass`, `error`, ...), optionally with a theme colour id. */
  icon?: { id: string; color?: string };
  /** `when` clauses of menus match on it (view/item/context). */
  contextValue?: string;
  /** The file the node stands for (a resourceUri: file icon, explorer-like context menu). */
  resource?: string;
  command?: NodeCommand;
  children?: ViewNode[];
}

const fmtCount = (n: number): string => n.toLocaleString('en-US');

/** The groups of the Configs view, in this order; kinds not listed are framework configs (axolotl, TRL, ...). */
const CONFIG_GROUPS: { label: string; kinds: string[] }[] = [
  { label: 'Pipelines', kinds: ['Pipeline'] },
  { label: 'Experiments', kinds: ['Experiment'] },
  { label: 'Training configs', kinds: ['TrainingConfig'] },
];
const FRAMEWORK_GROUP = 'Framework configs';

export function problemText(c: ProblemCounts | undefined): string {
  if (!c) return 'not checked yet';
  if (c.errors + c.warnings === 0) return 'no problems';
  const parts: string[] = [];
  if (c.errors) parts.push(plural(c.errors, 'error'));
  if (c.warnings) parts.push(plural(c.warnings, 'warning'));
  return parts.join(', ');
}

function problemIcon(c: ProblemCounts | undefined): ViewNode['icon'] {
  if (!c) return { id: 'circle-outline' };
  if (c.errors) return { id: 'error', color: 'problemsErrorIcon.foreground' };
  if (c.warnings) return { id: 'warning', color: 'problemsWarningIcon.foreground' };
  return { id: 'pass', color: 'testing.iconPassed' };
}

function groupOf(config: OverviewConfig): string {
  for (const g of CONFIG_GROUPS) if (config.kinds.some((k) => g.kinds.includes(k))) return g.label;
  return FRAMEWORK_GROUP;
}

/** Configs grouped by kind, each with its problem counts; groups add up their files' problems. */
export function configNodes(overview: WorkspaceOverview, problems: (file: string) => ProblemCounts | undefined, relative: (file: string) => string): ViewNode[] {
  const groups = new Map<string, OverviewConfig[]>();
  for (const c of overview.configs) {
    const g = groupOf(c);
    groups.set(g, [...(groups.get(g) ?? []), c]);
  }
  const order = [...CONFIG_GROUPS.map((g) => g.label), FRAMEWORK_GROUP];
  return order
    .filter((g) => groups.has(g))
    .map((g) => {
      const files = groups.get(g)!;
      const counts = files.map((f) => problems(f.path));
      const total = counts.reduce<ProblemCounts>((a, c) => ({ errors: a.errors + (c?.errors ?? 0), warnings: a.warnings + (c?.warnings ?? 0) }), { errors: 0, warnings: 0 });
      const withProblems = counts.filter((c) => c && c.errors + c.warnings > 0).length;
      return {
        id: `configs:${g}`,
        label: g,
        description: `${plural(files.length, 'file')}${withProblems ? ` · ${problemText(total)}` : ''}`,
        contextValue: 'rlhfLens.configGroup',
        children: files.map((f, i) => {
          const c = counts[i];
          const rel = relative(f.path);
          const dir = path.dirname(rel);
          const framework = g === FRAMEWORK_GROUP && f.kinds.length ? ` · ${f.kinds.join(', ')}` : '';
          return {
            id: `config:${f.path}`,
            label: path.basename(f.path),
            description: `${problemText(c)}${framework}${dir && dir !== '.' ? ` · ${dir}` : ''}`,
            tooltip: `${rel}${f.name ? ` (${f.name})` : ''}\n${f.kinds.join(', ') || 'no kind'}: ${problemText(c)}`,
            icon: problemIcon(c),
            contextValue: `rlhfLens.config.${(f.kinds[0] ?? 'unknown').toLowerCase()}`,
            resource: f.path,
            command: { kind: 'open', path: f.path },
          } satisfies ViewNode;
        }),
      } satisfies ViewNode;
    });
}

export function rowsText(info: DataFileInfo): string {
  if (info.error) return 'unreadable';
  if (info.rows === null) return 'not counted (large file)';
  return plural(info.rows, 'row', { format: fmtCount });
}

/** Data files with their shape and row count, by folder. */
export function dataFileNodes(overview: WorkspaceOverview, relative: (file: string) => string): ViewNode[] {
  return overview.dataFiles.map((d) => {
    const rel = relative(d.path);
    const lines = [
      rel,
      d.error ? `Cannot be read: ${d.error}` : `${d.format}, ${rowsText(d)}${d.skipped ? ` (${plural(d.skipped, 'row')} skipped)` : ''}`,
      `Shape: ${d.shape.label}`,
      ...(d.shape.analyses.length ? [`Fits: ${d.shape.analyses.join(', ')}`] : []),
      ...(d.columns.length ? [`Columns: ${d.columns.slice(0, 12).join(', ')}${d.columns.length > 12 ? ', ...' : ''}`] : []),
    ];
    return {
      id: `data:${d.path}`,
      label: path.basename(d.path),
      description: d.error ? `unreadable · ${path.dirname(rel)}` : `${rowsText(d)} · ${d.shape.label}`,
      tooltip: lines.join('\n'),
      icon: d.error ? { id: 'warning', color: 'problemsWarningIcon.foreground' } : { id: d.shape.trainingFormat ? 'database' : 'table' },
      contextValue: `rlhfLens.dataFile${d.shape.analyses.length ? '.analyzable' : ''}`,
      resource: d.path,
      command: { kind: 'open', path: d.path },
    } satisfies ViewNode;
  });
}

export type CheckStatus = 'pass' | 'fail' | 'not-run' | 'cannot-run';

export function checkStatus(c: OverviewCheck): CheckStatus {
  if (c.result) return c.result.error ? 'cannot-run' : c.result.passed ? 'pass' : 'fail';
  return c.problem ? 'cannot-run' : 'not-run';
}

function resultText(r: CheckResult): string {
  if (r.error) return `could not run: ${r.error}`;
  const shown = (r.passed ? r.asserts : r.asserts.filter((a) => !a.passed)).map((a) => a.message);
  return `${r.passed ? 'passed' : 'failed'}${shown.length ? `: ${shown.join('; ')}` : ''}`;
}

const STATUS_ICON: Record<CheckStatus, ViewNode['icon']> = {
  pass: { id: 'pass', color: 'testing.iconPassed' },
  fail: { id: 'error', color: 'testing.iconFailed' },
  'not-run': { id: 'circle-outline' },
  'cannot-run': { id: 'warning', color: 'problemsWarningIcon.foreground' },
};

/** "2 passed, 1 failed, 3 not run" for a pipeline. */
export function checkSummary(checks: readonly OverviewCheck[]): string {
  if (checks.length === 0) return 'no checks';
  const n = { pass: 0, fail: 0, 'not-run': 0, 'cannot-run': 0 };
  for (const c of checks) n[checkStatus(c)]++;
  const parts = [n.pass && `${n.pass} passed`, n.fail && `${n.fail} failed`, n['cannot-run'] && `${n['cannot-run']} cannot run`, n['not-run'] && `${n['not-run']} not run`].filter(Boolean);
  return `${plural(checks.length, 'check')}: ${parts.join(', ')}`;
}

/** Each pipeline's gates with pass / fail / not run; a check that never ran runs on click, one with a result opens. */
export function checkNodes(overview: WorkspaceOverview, relative: (file: string) => string): ViewNode[] {
  return overview.pipelines.map((p: OverviewPipeline) => ({
    id: `pipeline:${p.path}`,
    label: p.name ?? path.basename(p.path),
    description: checkSummary(p.checks),
    tooltip: relative(p.path),
    icon: p.checks.some((c) => checkStatus(c) === 'fail') ? STATUS_ICON.fail : p.checks.length && p.checks.every((c) => checkStatus(c) === 'pass') ? STATUS_ICON.pass : { id: 'checklist' },
    contextValue: 'rlhfLens.pipeline',
    resource: p.path,
    command: { kind: 'open', path: p.path },
    children: p.checks.map((c) => {
      const status = checkStatus(c);
      const text = c.result ? resultText(c.result) : c.problem ? `cannot run: ${c.problem}` : 'not run';
      return {
        id: `check:${p.path}:${c.stageId}:${c.checkIndex}`,
        label: `${c.stageId} · ${c.analysis}`,
        description: text,
        tooltip: `${c.stageId} check ${c.checkIndex + 1}: ${c.analysis}${c.data ? ` of ${c.data}` : ''}\n${text}\nline ${c.line + 1} of ${relative(p.path)}`,
        icon: STATUS_ICON[status],
        contextValue: `rlhfLens.check.${status}`,
        command: status === 'not-run' ? { kind: 'runCheck', path: p.path, stageId: c.stageId, checkIndex: c.checkIndex } : { kind: 'open', path: p.path, line: c.line },
      } satisfies ViewNode;
    }),
  }));
}

/** The item's text for a pipeline's checks, or undefined when it has none. Pure. */
export function checksStatusText(overview: WorkspaceOverview | undefined, file: string): { text: string; tooltip: string } | undefined {
  const p = overview?.pipelines.find((x) => x.path === file);
  if (!p || p.checks.length === 0) return undefined;
  const statuses = p.checks.map(checkStatus);
  const icon = statuses.includes('fail') ? '$(error)' : statuses.includes('cannot-run') ? '$(warning)' : statuses.every((s) => s === 'pass') ? '$(pass)' : '$(circle-outline)';
  return { text: `${icon} ${checkSummary(p.checks)}`, tooltip: `RLHF Lens: the checks of ${p.name ?? file}. Click to show the Checks view.` };
}
