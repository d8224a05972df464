/** The phase dashboard: the pipeline graph above one tab per phase of the RLHF life cycle. */
import type { DashboardData, Phase } from '../../../server/src/protocol/webview';
import { renderAb } from '../ab/view';
import { renderCalibration } from '../calibration/view';
import { notice, section, stats } from '../components/cards';
import { h } from '../components/element';
import { fmt, pct } from '../components/format';
import { tabs } from '../components/toolkit';
import { renderGraph } from '../graph/view';
import type { ViewContext } from '../shell';
import { renderTraining } from '../training/view';
import { renderAgreement, renderDatasets } from './data-collection';
import { renderDataQuality } from './data-quality';
import { renderDrift } from './drift';
import { renderLatency } from './latency';
import { renderRewardModels } from './reward-models';
import { renderCompare } from '../compare/view';
import { plural } from '../../../server/src/text/plural';

function rewardModel(data: DashboardData): HTMLElement | null {
  const c = data.calibration?.result;
  if (!c) return null;
  return section(
    'Reward model',
    'On held-out preference pairs: how often the chosen response scores higher.',
    stats([
      { label: 'Pairwise accuracy', value: pct(c.accuracy), tone: c.accuracy >= 0.7 ? 'good' : 'warn', detail: plural(c.n, 'pair') },
      { label: 'Mean confidence', value: pct(c.mean_confidence) },
      { label: 'ECE', value: fmt(c.ece) },
    ]),
  );
}

export function renderPhases(data: DashboardData, ctx: ViewContext): HTMLElement {
  const body: Record<Phase, (HTMLElement | null)[]> = {
    data_collection: [renderDatasets(data, ctx), renderDataQuality(data, ctx), renderAgreement(data, ctx), renderDrift(data, ctx, 'collection-drift', 'Drift between collection rounds')],
    training: [renderTraining(data, ctx), data.compare ? renderCompare(data, ctx, 'phases-compare') : null],
    evaluation: [rewardModel(data), renderRewardModels(data, ctx), renderCalibration(data, ctx), renderDrift(data, ctx, 'evaluation-drift', 'Drift')],
    deployment: [renderAb(data, ctx), renderLatency(data, ctx)],
  };
  const items = (
    [
      ['data_collection', 'Data collection'],
      ['training', 'Training'],
      ['evaluation', 'Evaluation'],
      ['deployment', 'Deployment'],
    ] as const
  ).map(([id, label]) => ({ id, label, content: h('div', { class: 'phase' }, ...body[id]) }));
  return h(
    'div',
    { class: 'dashboard' },
    h('header', { class: 'page-header' }, h('h1', {}, data.title), h('span', { class: 'subtitle' }, `Computed ${data.generated_at.replace('T', ' ').slice(0, 16)} UTC`)),
    ...(data.errors ?? []).map((e) => notice('error', `${e.file}: ${e.message}`, `${e.section} could not run.`)),
    renderGraph(data, ctx),
    tabs(items, ctx.state['tab'] as string | undefined, (id) => ctx.saveState({ tab: id })),
  );
}
