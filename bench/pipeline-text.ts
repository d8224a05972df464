/** The generated pipeline bench/lsp.ts edits (and test/incremental-parse.test.ts fuzzes): stages of 7-8 lines, each needing the one before. */
export function benchPipeline(targetLines: number): string {
  const head = `apiVersion: rlhf-lens/v1
kind: Pipeline
metadata:
  name: bench-pipeline
params:
  since: 7d
  min_alpha: 0.6
defaults:
  retries: 2
  timeout: 2h
stages:
`;
  const phases = ['data_collection', 'training', 'evaluation', 'deployment'];
  const out = [head];
  let lines = head.split('\n').length;
  for (let i = 0; lines < targetLines; i++) {
    const phase = phases[Math.min(3, Math.floor((i / Math.max(1, targetLines / 12)) * 4 / 4) % 4)]!;
    const needs = i > 0 ? `\n    needs: [s${i - 1}]` : '';
    const stage = `  - id: s${i}
    phase: ${phase}${needs}
    run: python step.py --since \${{ params.since }} --n ${i}
    retries: 1
    outputs: {out: data/s${i}.jsonl}
    resources: {cpu: 4, memory: 16Gi, gpus: 0}
    timeout: 30m
`;
    out.push(stage);
    lines += stage.split('\n').length - 1;
  }
  return out.join('');
}
