/**
 * What a dashboard shows, kept in its webview's state so a reload can compute it again, and the
 * check of a restored state (untrusted input: files only inside the workspace). Pure, tested directly.
 */
import { VIEWS, type ViewName } from '../../../server/src/protocol/webview';
import { resolveInWorkspace } from './workspace-paths';

/** What a dashboard shows: enough to compute it again. */
export interface DashboardDescriptor {
  kind: 'pipeline' | 'calibration' | 'ab' | 'training' | 'agreement' | 'latency' | 'drift' | 'compare';
  view: ViewName;
  file: string;
  stageId?: string;
  reference?: string;
  column?: string;
  /** The run comparison: every compared run (folder or log), in order; `file` is the first. */
  runs?: string[];
}

const KINDS = new Set<DashboardDescriptor['kind']>(['pipeline', 'calibration', 'ab', 'training', 'agreement', 'latency', 'drift', 'compare']);

/** The descriptor in a restored webview state, or why there is none usable. */
export function descriptorFromState(state: unknown, roots: readonly string[]): DashboardDescriptor | string {
  const d = (state && typeof state === 'object' ? (state as Record<string, unknown>)['restore'] : undefined) as Record<string, unknown> | undefined;
  if (!d || typeof d !== 'object') return 'the panel kept no description of its dashboard';
  if (typeof d['kind'] !== 'string' || !KINDS.has(d['kind'] as DashboardDescriptor['kind'])) return `unknown dashboard kind ${JSON.stringify(d['kind'])}`;
  if (typeof d['view'] !== 'string' || !(VIEWS as readonly string[]).includes(d['view'])) return `unknown view ${JSON.stringify(d['view'])}`;
  const inside = (p: unknown): string | undefined => (typeof p === 'string' ? (resolveInWorkspace(p, roots) ?? undefined) : undefined);
  const file = inside(d['file']);
  if (!file) return `${String(d['file'])} is not inside the workspace folders`;
  const out: DashboardDescriptor = { kind: d['kind'] as DashboardDescriptor['kind'], view: d['view'] as ViewName, file };
  if (typeof d['stageId'] === 'string') out.stageId = d['stageId'];
  if (typeof d['column'] === 'string') out.column = d['column'];
  if (d['reference'] !== undefined) {
    const reference = inside(d['reference']);
    if (!reference) return `${String(d['reference'])} is not inside the workspace folders`;
    out.reference = reference;
  }
  if (out.kind === 'compare') {
    // The runs are newline-separated (compare-source.ts); every one must lie inside the workspace.
    const listed = typeof d['runs'] === 'string' ? d['runs'].split('\n') : [];
    if (listed.length === 0 || listed.length > 100) return 'a run comparison needs its runs (1 to 100)';
    const runs: string[] = [];
    for (const r of listed) {
      const p = inside(r);
      if (!p) return `${r} is not inside the workspace folders`;
      runs.push(p);
    }
    out.runs = runs;
  }
  return out;
}

