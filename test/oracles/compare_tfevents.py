"""Independent oracle for `rlhf-lens compare` on the real TensorBoard event files of
../shared/fixtures/real/tfevents: decodes the TFRecord frames and the Event / Summary / Value protos
with the standard library and numpy (no TensorFlow, no tensorboard package: its own reader is not
what RLHF Lens uses, and neither is installed), then computes the metric-at-step table: per tag the
count, last, min, max with their steps (first occurrence wins a tie of values), the value at a step
= the last value logged at or before it (a later-written point winning a tie of steps). Also the
hparams plugin's session_start_info hparams of each file. Writes test/fixtures/oracles/compare-tfevents.json.

    python3 test/oracles/compare_tfevents.py

Scalars: Value.simple_value (float32), or a one-element float/double TensorProto (Keras/TF2:
tensor_content, float_val or double_val) whose plugin is `scalars` or absent; hparams, text,
histograms and graphs are not curves. Only the numbers are committed, never the files.
"""
import json
import math
import os
import struct

import numpy as np

HERE = os.path.dirname(__file__)
REAL = os.path.join(HERE, '..', '..', '..', 'shared', 'fixtures', 'real', 'tfevents')
OUT = os.path.join(HERE, '..', 'fixtures', 'oracles', 'compare-tfevents.json')
FILES = [
    'janosh_tensorboard-reducer_strict-run1.events.out.tfevents.1622543341.janoshs-mbp.lan.86862.0',
    'janosh_tensorboard-reducer_duplicate-steps-run1.events.out.tfevents.1622966509.janoshs-mbp.lan.86059.0',
    'BullsEye268_da6401_assignment3_lightning-v15-fit.events.out.tfevents.1747479572.DESKTOP-07FV8E1.24880.2',
    'ayush2929_ANN-Churn_classification_keras-fit-train.events.out.tfevents.1750673442.ayushs-MacBook-Air.local.27981.4.v2',
    'ayush2929_ANN-Churn_classification_keras-fit-validation.events.out.tfevents.1750673442.ayushs-MacBook-Air.local.27981.5.v2',
]
STEPS = [0, 100, 5000, 11700]


def varint(buf, pos):
    result, shift = 0, 0
    while True:
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if not b & 0x80:
            return result, pos
        shift += 7


def fields(buf):
    """(field number, wire type, value) of a protobuf message; LEN values as bytes."""
    pos, out = 0, []
    while pos < len(buf):
        key, pos = varint(buf, pos)
        field, wire = key >> 3, key & 7
        if wire == 0:
            v, pos = varint(buf, pos)
        elif wire == 1:
            v, pos = buf[pos:pos + 8], pos + 8
        elif wire == 2:
            n, pos = varint(buf, pos)
            v, pos = buf[pos:pos + n], pos + n
        elif wire == 5:
            v, pos = buf[pos:pos + 4], pos + 4
        else:
            raise ValueError(f'wire type {wire}')
        out.append((field, wire, v))
    return out


def records(path):
    with open(path, 'rb') as fh:
        data = fh.read()
    pos = 0
    while pos + 12 <= len(data):
        (n,) = struct.unpack_from('<Q', data, pos)
        yield data[pos + 12:pos + 12 + n]
        pos += 12 + n + 4


def tensor_scalar(buf):
    dtype, content, floats, doubles, elements = 0, None, [], [], 1
    for f, w, v in fields(buf):
        if f == 1:
            dtype = v
        elif f == 2:
            for sf, _, sv in fields(v):
                if sf == 2:
                    size = [dv for df, _, dv in fields(sv) if df == 1]
                    elements *= size[0] if size else 1
        elif f == 4:
            content = v
        elif f == 5:
            floats += list(np.frombuffer(v, '<f4')) if w == 2 else [struct.unpack('<f', v)[0]]
        elif f == 6:
            doubles += list(np.frombuffer(v, '<f8')) if w == 2 else [struct.unpack('<d', v)[0]]
    if elements != 1:
        return None
    if dtype == 1:  # DT_FLOAT
        vals = list(np.frombuffer(content, '<f4')) if content else floats
    elif dtype == 2:  # DT_DOUBLE
        vals = list(np.frombuffer(content, '<f8')) if content else doubles
    else:
        return None
    return float(vals[0]) if len(vals) == 1 else None


def proto_value(buf):
    out = ''
    for f, w, v in fields(buf):
        if f == 2 and w == 1:
            out = struct.unpack('<d', v)[0]
        elif f == 3:
            out = v.decode('utf8')
        elif f == 4:
            out = bool(v)
        elif f == 1:
            out = None
    return out


def hparams_of(content, out):
    for f, _, v in fields(content):
        if f != 3:  # session_start_info
            continue
        for sf, _, sv in fields(v):
            if sf != 1:  # hparams map entry
                continue
            entry = dict((ef, ev) for ef, _, ev in fields(sv))
            out[entry[1].decode('utf8')] = proto_value(entry[2]) if 2 in entry else ''


def read(path):
    series, hparams, plugins = {}, {}, {}
    for rec in records(path):
        step, values = 0, []
        for f, w, v in fields(rec):
            if f == 2 and w == 0:
                step = v
            elif f == 5:
                values += [sv for sf, _, sv in fields(v) if sf == 1]
        for raw in values:
            tag, simple, tensor, plugin, content = '', None, None, None, None
            for f, w, v in fields(raw):
                if f == 1:
                    tag = v.decode('utf8')
                elif f == 2:
                    simple = float(np.frombuffer(v, '<f4')[0])
                elif f == 8:
                    tensor = v
                elif f == 9:
                    for mf, _, mv in fields(v):
                        if mf == 1:
                            pd = dict((pf, pv) for pf, _, pv in fields(mv))
                            plugin = pd.get(1, b'').decode('utf8')
                            content = pd.get(2)
            if plugin:
                plugins[tag] = plugin
            else:
                plugin = plugins.get(tag)
            if plugin == 'hparams':
                if content:
                    hparams_of(content, hparams)
                continue
            value = simple
            if value is None and tensor is not None and plugin in (None, 'scalars'):
                value = tensor_scalar(tensor)
            if value is not None:
                series.setdefault(tag, []).append((float(step), value))
    return series, hparams


def summary(points):
    finite = [(s, v) for s, v in points if math.isfinite(v)]
    if not finite:
        return None
    vals = np.array([v for _, v in finite])
    lo, hi = int(np.argmin(vals)), int(np.argmax(vals))
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
    for rel in FILES:
        series, hparams = read(os.path.join(REAL, rel))
        metrics = {k: summary(v) for k, v in series.items() if summary(v)}
        at = {str(n): {k: at_step(v, n) for k, v in series.items() if summary(v)} for n in STEPS}
        runs.append({'path': rel, 'metrics': metrics, 'at': at, 'hparams': hparams})
    with open(OUT, 'w') as fh:
        json.dump({'generated_by': 'test/oracles/compare_tfevents.py', 'steps': STEPS, 'runs': runs}, fh, indent=1)
    print(f'wrote {OUT}')


if __name__ == '__main__':
    main()
