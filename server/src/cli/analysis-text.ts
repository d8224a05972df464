/** Plain-text rendering of analysis results for the terminal: aligned tables, rounded numbers. */
import { plural } from '../text/plural';

export function fmt(v: unknown): string {
  if (v === null || v === undefined) return '-';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return String(v);
    if (Number.isInteger(v)) return String(v);
    const a = Math.abs(v);
    if (a !== 0 && (a < 1e-3 || a >= 1e7)) return v.toExponential(3);
    return String(Number(v.toPrecision(6)));
  }
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  return String(v);
}

/** Longest cell a table prints: a label can be a whole transcript; --format json has the full value. */
export const MAX_CELL_CHARS = 80;

function capped(text: string): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > MAX_CELL_CHARS ? `${flat.slice(0, MAX_CELL_CHARS - 3)}...` : flat;
}

/** Most rows a text table lists (metrics of a run, latency groups); --format json has them all. */
export const MAX_ROWS_SHOWN = 100;

/** The line that says how many rows a capped table left out, or nothing. */
function more(total: number, noun: string): string {
  return total > MAX_ROWS_SHOWN ? `... and ${plural(total - MAX_ROWS_SHOWN, `more ${noun}`)} (--format json lists them all)\n` : '';
}

/** Columns left-aligned for text, right-aligned for numbers. */
export function table(headers: string[], rows: unknown[][]): string {
  const cells = rows.map((r) => r.map((v) => capped(fmt(v))));
  const numeric = headers.map((_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === 'number' || r[i] === null || r[i] === undefined));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n') + '\n';
}

export function keyValues(pairs: [string, unknown][]): string {
  const width = Math.max(...pairs.map(([k]) => k.length));
  return pairs.map(([k, v]) => `${k.padEnd(width)}  ${fmt(v)}`).join('\n') + '\n';
}

type R = Record<string, unknown>;
const list = (v: unknown): R[] => (Array.isArray(v) ? (v as R[]) : []);

function calibration(r: R): string {
  let out = keyValues(['n', 'accuracy', 'mean_confidence', 'ece', 'mce', 'adaptive_ece', 'brier', 'nll'].map((k) => [k, r[k]]));
  const t = r['temperature'] as R | null;
  if (t) out += keyValues([['temperature', t['value']], ['ece after temperature', t['ece']]]);
  out += '\n' + table(['lower', 'upper', 'count', 'mean_confidence', 'accuracy'], list(r['bins']).map((b) => [b['lower'], b['upper'], b['count'], b['mean_confidence'], b['accuracy']]));
  return out;
}

function ab(r: R): string {
  const srm = r['srm'] as R;
  let out = `control: ${fmt(r['control'])}   method: ${fmt(r['method'])}\n`;
  out += `sample ratio: chi2 ${fmt(srm['chi2'])}, p ${fmt(srm['p_value'])}, sequential p ${fmt(srm['sequential_p_value'])}${srm['mismatch'] ? '  MISMATCH' : ''}\n`;
  for (const m of list(r['metrics'])) {
    const adj = m['adjustment'] as R | undefined;
    const extra = [m['quantile'] !== undefined ? `q ${fmt(m['quantile'])}` : '', adj ? `${fmt(adj['method'])}, theta ${fmt(adj['theta'])}` : ''].filter(Boolean).join('; ');
    out += `\n${fmt(m['name'])} (${fmt(m['type'])}${extra ? `; ${extra}` : ''})\n`;
    out += table(
      ['variant', 'n', 'mean', 'control_mean', 'abs_diff', 'rel_lift', 'ci_low', 'ci_high', 'p_value', 'p_adj', 'significant', 'P(beat)'],
      list(m['results']).map((x) => [x['variant'], x['n'], x['mean'], x['control_mean'], x['abs_diff'], x['rel_lift'], x['ci_low'], x['ci_high'], x['p_value'], x['p_value_adjusted'], x['significant'], x['chance_to_beat_control']]),
    );
  }
  const guardrails = list(r['guardrails']);
  if (guardrails.length) {
    out += '\nguardrails (judged on the interval bound)\n';
    out += table(['metric', 'variant', 'worst_case', 'limit', 'kind', 'passed'], guardrails.map((g) => [g['metric'], g['variant'], g['worst_case'], g['limit'], g['kind'], g['passed']]));
  }
  const d = r['decision'] as R;
  return out + `\ndecision: ${d['winner'] ? `${fmt(d['winner'])} wins` : 'no winner'}: ${fmt(d['reason'])}\n`;
}

function agreement(r: R): string {
  let out = keyValues(['n_items', 'n_annotators', 'n_ratings', 'level', 'percent_agreement', 'krippendorff_alpha', 'fleiss_kappa', 'mean_cohen_kappa'].map((k) => [k, r[k]]));
  if (r['fleiss_kappa_reason']) out += `(fleiss_kappa: ${fmt(r['fleiss_kappa_reason'])})\n`;
  const pairs = list(r['cohen_kappa_pairs']);
  if (pairs.length) out += '\n' + table(['a', 'b', 'n', 'kappa'], pairs.slice(0, 20).map((p) => [p['a'], p['b'], p['n'], p['kappa']]));
  const dis = list(r['disagreements']);
  if (dis.length) out += '\n' + table(['item', 'ratings', 'agreement', 'labels'], dis.slice(0, 10).map((d) => [d['item'], d['n'], d['agreement'], JSON.stringify(d['labels'])]));
  return out;
}

const MAX_BINS_SHOWN = 50;

function drift(r: R): string {
  let out = keyValues(['kind', 'n_reference', 'n_current', 'psi', 'ks_statistic', 'ks_p_value', 'wasserstein', 'js_distance', 'chi2', 'chi2_p_value', 'threshold', 'drifted'].filter((k) => r[k] !== null && r[k] !== undefined).map((k) => [k, r[k]]));
  // Categories can be many: the text output lists the first MAX_BINS_SHOWN (JSON has them all).
  const bins = list(r['bins']);
  out += '\n' + table(['bin', 'reference_share', 'current_share'], bins.slice(0, MAX_BINS_SHOWN).map((b) => [b['category'] ?? `${fmt(b['lower'] ?? '-inf')} .. ${fmt(b['upper'] ?? '+inf')}`, b['reference_share'], b['current_share']]));
  if (bins.length > MAX_BINS_SHOWN) out += `... and ${plural(bins.length - MAX_BINS_SHOWN, 'more category', { plural: 'more categories' })} (--format json lists them all)\n`;
  return out;
}

function training(r: R): string {
  let out = `run: ${fmt(r['run'])}   last step: ${fmt(r['steps'])}\n`;
  const p = r['progress'] as R | null | undefined;
  if (p) {
    const clock = (s: unknown) => (typeof s === 'number' ? `${Math.floor(s / 3600)}:${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}:${String(Math.floor(s % 60)).padStart(2, '0')}` : '-');
    out += `progress: step ${fmt(p['step'])}${p['total_steps'] !== null ? ` of ${fmt(p['total_steps'])}` : ''}${p['percentage'] !== null ? ` (${fmt(p['percentage'])}%)` : ''}, elapsed ${clock(p['elapsed_seconds'])}, remaining ${clock(p['remaining_seconds'])}\n`;
  }
  out += '\n';
  const metrics = Object.entries((r['metrics'] ?? {}) as Record<string, R>);
  out += table(['metric', 'count', 'first', 'last', 'min', 'min_step', 'max', 'max_step'], metrics.slice(0, MAX_ROWS_SHOWN).map(([k, m]) => [k, m['count'], m['first'], m['last'], m['min'], m['min_step'], m['max'], m['max_step']]));
  out += more(metrics.length, 'metric');
  const alerts = list(r['alerts']);
  out += `\n${plural(alerts.length, 'alert')}\n`;
  for (const a of alerts.slice(0, 20)) out += `  step ${fmt(a['step'])}  ${fmt(a['type'])}  ${fmt(a['metric'])}: ${fmt(a['message'])}\n`;
  return out;
}

function latency(r: R): string {
  const groups = list(r['groups']);
  const rows = [r['overall'] as R, ...groups.slice(0, MAX_ROWS_SHOWN)];
  let out = table(['group', 'count', 'success_rate', 'mean', 'p50', 'p95', 'p99', 'max'], rows.map((g) => [g['key'], g['count'], g['success_rate'], g['mean'], g['p50'], g['p95'], g['p99'], g['max']]));
  out += more(groups.length, 'group');
  out +=
    r['timed'] === false
      ? `\nno timestamps: percentiles and groups only, no time windows; ${list(r['anomalies']).length} anomalies (in file order)\n`
      : `\n${list(r['windows']).length} time windows, ${list(r['anomalies']).length} anomalies\n`;
  return out;
}

function uncertainty(r: R): string {
  return `method: ${fmt(r['method'])}\n\n` + table(['rank', 'id', 'score'], list(r['selected']).map((s) => [s['rank'], s['id'], s['score']]));
}

function interval(v: unknown): string {
  return Array.isArray(v) ? `[${fmt(v[0])}, ${fmt(v[1])}]` : v && typeof v === 'object' ? `[${fmt((v as R)['low'])}, ${fmt((v as R)['high'])}]` : '-';
}

function preferenceEval(r: R): string {
  let out = keyValues([
    ['n', r['n']],
    ['accuracy', r['accuracy']],
    ['accuracy_ci (Wilson)', interval(r['accuracy_ci'])],
    ['accuracy_ci (bootstrap)', interval(r['accuracy_bootstrap_ci'])],
    ['ties', r['ties']],
    ['rewardbench_score', r['rewardbench_score']],
    ['longer_chosen_share', r['longer_chosen_share']],
    ['longer_baseline_accuracy', r['longer_baseline_accuracy']],
    ['length_margin_spearman', r['length_margin_spearman']],
    ['ece of sigmoid(margin)', (r['calibration'] as R | undefined)?.['ece']],
  ]);
  const margin = r['margin'] as R | undefined;
  if (margin) out += `margin: mean ${fmt(margin['mean'])}, median ${fmt(margin['median'])}, 5%-95% ${fmt(margin['q05'])} .. ${fmt(margin['q95'])}\n`;
  const cats = list(r['categories']);
  if (cats.length) out += '\n' + table(['category', 'n', 'accuracy', 'ci'], cats.map((c) => [c['name'], c['n'], c['accuracy'], interval(c['accuracy_ci'])]));
  const sections = list(r['sections']);
  if (sections.length) out += '\n' + table(['RewardBench section', 'n', 'accuracy'], sections.map((s) => [s['name'], s['n'], s['accuracy']]));
  const models = list(r['models']);
  if (models.length > 1) out += '\n' + table(['model', 'accuracy', 'ci', 'ece'], models.map((m) => [m['name'], m['accuracy'], interval(m['accuracy_ci']), m['ece']]));
  const comps = list(r['comparisons']);
  if (comps.length) out += '\n' + table(['a', 'b', 'difference', 'bootstrap ci', 'only a', 'only b', 'mcnemar p', 'holm p', 'significant'], comps.map((c) => [c['a'], c['b'], c['accuracy_difference'], interval(c['difference_ci']), c['only_a_correct'], c['only_b_correct'], c['mcnemar_p_value'], c['p_value_adjusted'], c['significant']]));
  return out;
}

function dataQuality(r: R): string {
  // The headline figures, then only the counts that found something (the JSON has them all).
  const counts = ['exact_duplicate_rows', 'duplicate_prompts', 'near_duplicate_prompts', 'identical_chosen_rejected', 'empty_prompt', 'empty_chosen', 'empty_rejected', 'empty_completion', 'wrong_types', 'missing_fields', 'ties', 'truncated_responses', 'leaked_prompts', 'near_leaked_prompts'];
  const found = counts.filter((k) => typeof r[k] === 'number' && (r[k] as number) > 0);
  const head: [string, unknown][] = [['shape', r['shape']], ['rows', r['rows']], ['quality_score', r['quality_score']]];
  if (r['against_rows'] !== null && r['against_rows'] !== undefined) head.push(['against_rows', r['against_rows']], ['train_eval_leakage', r['train_eval_leakage']]);
  let out = keyValues([...head, ...found.map((k): [string, unknown] => [k, r[k]])]);
  const clean = counts.filter((k) => r[k] === 0);
  if (clean.length) out += `none: ${clean.join(', ')}\n`;
  const cols = Object.entries((r['columns'] ?? {}) as Record<string, string>).map(([role, c]) => (role === c ? role : `${role}=${c}`));
  out += `columns: ${cols.join(', ')}\n`;
  const issues = list(r['issues']);
  out += `\n${issues.length ? '' : 'no issues\n'}`;
  if (issues.length) out += table(['severity', 'issue', 'count', 'share', 'penalty', 'example lines'], issues.map((i) => [i['severity'], i['id'], i['count'], i['share'], i['penalty'], `${i['file'] === 'against' ? 'eval ' : ''}${(i['lines'] as number[]).slice(0, 8).join(', ')}${(i['lines'] as number[]).length > 8 ? ', ...' : ''}`]));
  for (const i of issues) out += `  ${fmt(i['id'])}: ${fmt(i['message'])}\n`;
  const lengths = list(r['lengths']);
  if (lengths.length) out += '\n' + table(['length', 'unit', 'n', 'mean', 'p5', 'p50', 'p95', 'max'], lengths.map((l) => [l['role'], l['unit'], l['n'], l['mean'], l['p5'], l['p50'], l['p95'], l['max']]));
  for (const d of list(r['length_difference'])) out += `chosen - rejected (${fmt(d['unit'])}): mean ${fmt(d['mean'])}, median ${fmt(d['p50'])}; chosen longer in ${fmt(d['chosen_longer_share'])} of pairs\n`;
  const pb = r['position_bias'] as R | null;
  if (pb) out += `position: first ${fmt(pb['first'])}, second ${fmt(pb['second'])} (share ${fmt(pb['first_share'])}, binomial p ${fmt(pb['p_value'])})\n`;
  return out;
}

const RENDERERS: Record<string, (r: R) => string> = { calibration, ab, agreement, drift, training, latency, uncertainty, 'preference-eval': preferenceEval, 'data-quality': dataQuality };

export function renderResult(analysis: string, result: R): string {
  return (RENDERERS[analysis] ?? ((x: R) => JSON.stringify(x, null, 2) + '\n'))(result);
}
