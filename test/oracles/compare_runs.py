"""Independent oracle for `rlhf-lens compare` on the real logs of ../shared/fixtures/real: reads the
same trainer_state.json files and MLflow metric files with the standard library and computes the
metric-at-step table (last, min, max with their steps; the value at a step = the last value logged at
or before it, a later-written point winning a tie of steps). Writes test/fixtures/oracles/compare-runs.json.

    python3 test/oracles/compare_runs.py

Only the numbers are committed, not the third-party files (they stay in ../shared).
"""
import json
import math
import os

HERE = os.path.dirname(__file__)
REAL = os.path.join(HERE, '..', '..', '..', 'shared', 'fixtures', 'real')
OUT = os.path.join(HERE, '..', 'fixtures', 'oracles', 'compare-runs.json')
RUNS = [
    'trainer_state/autoscientist_root_evalloss_trainer_state.json',
    'trainer_state/autoscientist_translation_evalloss_trainer_state.json',
    'trainer_state/qlora_fujump_1001entries_trainer_state.json',
    'trainer_state/star_large_2000entries_trainer_state.json',
    'training_logs/mlruns_deepcnnclassifier',
]
STEPS = [1, 16, 5000, 39990]
NOT_METRICS = {'step', 'global_step', 'timestamp', 'time', 'wall_time', 'epoch_step'}


def points_trainer_state(path):
    with open(path) as fh:
        history = json.load(fh)['log_history']
    series = {}
    for i, entry in enumerate(history):
        step = entry.get('step', entry.get('global_step', i))
        for k, v in entry.items():
            if k in NOT_METRICS or isinstance(v, bool) or not isinstance(v, (int, float)):
                continue
            series.setdefault(k, []).append((float(step), float(v)))
    return series


def points_mlflow(folder):
    series = {}
    for root, dirs, files in os.walk(folder):
        if os.path.basename(root) == 'metrics':
            for name in sorted(files):
                with open(os.path.join(root, name)) as fh:
                    for line in fh:
                        parts = line.split()
                        if len(parts) >= 2:
                            series.setdefault(name, []).append((float(parts[2]) if len(parts) > 2 else 0.0, float(parts[1])))
    return series


def summary(points):
    finite = [(s, v) for s, v in points if math.isfinite(v)]
    if not finite:
        return None
    lo = min(range(len(finite)), key=lambda i: (finite[i][1], i))
    hi = min(range(len(finite)), key=lambda i: (-finite[i][1], i))
    return {'count': len(finite), 'last': finite[-1][1], 'last_step': finite[-1][0], 'min': finite[lo][1], 'min_step': finite[lo][0],
            'max': finite[hi][1], 'max_step': finite[hi][0]}


def at_step(points, n):
    best = None
    for s, v in points:
        if math.isfinite(v) and s <= n and (best is None or s >= best[0]):
            best = (s, v)
    return {'at_step': None, 'at_step_step': None} if best is None else {'at_step': best[1], 'at_step_step': best[0]}


def main():
    runs = []
    for rel in RUNS:
        p = os.path.join(REAL, rel)
        series = points_mlflow(p) if os.path.isdir(p) else points_trainer_state(p)
        metrics = {k: summary(v) for k, v in series.items() if summary(v)}
        at = {str(n): {k: at_step(v, n) for k, v in series.items() if summary(v)} for n in STEPS}
        runs.append({'path': rel, 'metrics': metrics, 'at': at})
    with open(OUT, 'w') as fh:
        json.dump({'generated_by': 'test/oracles/compare_runs.py', 'steps': STEPS, 'runs': runs}, fh, indent=1)
    print(f'wrote {OUT}')


if __name__ == '__main__':
    main()
