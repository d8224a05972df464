"""Independent oracle for the data-quality analysis (docs/analyses.md#data-quality).

Writes seeded datasets of every shape into test/fixtures/oracles/data-quality/*.jsonl and the
figures the analysis must report into test/fixtures/oracles/data-quality.json; the TypeScript test
(test/analysis-data-quality.test.ts) runs the analysis on the same files and compares every figure.

    python3 test/oracles/data_quality.py

numpy + scipy only. Written from the definitions in docs/analyses.md, not translated from the
TypeScript: texts are compared as strings (not hashes), lengths counted with Python's len and
re, percentiles and histograms are numpy's, the binomial test is scipy's. The MinHash signatures
are re-implemented from their definition (same shingling, hash functions and seeds), and on
these small files every pair of prompts is also compared by exact Jaccard similarity of its
shingle sets, to check that the LSH finds what it should.
"""
import json
import math
import os
import random
import re
import unicodedata

import numpy as np
from scipy import stats

HERE = os.path.dirname(__file__)
FIX = os.path.join(HERE, '..', 'fixtures', 'oracles')
DATA = os.path.join(FIX, 'data-quality')
OUT = os.path.join(FIX, 'data-quality.json')

# ---------------------------------------------------------------- constants (docs/analyses.md)
SHINGLE_K = 3
NUM_PERM = 64
BANDS = 16
ROWS_PER_BAND = 4
THRESHOLD = 0.7
SEED = 1
PROBES = 16
SATURATION = 0.05
CONSTANT_MIN = 10
OUTLIER_TV = 0.3
POSITION_ALPHA = 0.001
ROUND_TOKENS = 64
BINS = 20
EXAMPLES = 20
M32 = 0xFFFFFFFF

WEIGHTS = {
    'skipped_rows': ('warning', 10), 'wrong_types': ('error', 10), 'missing_fields': ('error', 10),
    'empty_prompt': ('error', 10), 'empty_chosen': ('error', 10), 'empty_rejected': ('error', 10),
    'empty_completion': ('error', 10), 'identical_chosen_rejected': ('error', 15), 'prompt_mismatch': ('error', 10),
    'no_assistant_turn': ('error', 10), 'unknown_roles': ('warning', 5), 'empty_turns': ('warning', 5),
    'exact_duplicate_rows': ('warning', 10), 'duplicate_prompts': ('warning', 5), 'near_duplicate_prompts': ('info', 5),
    'ties': ('info', 5), 'truncated_responses': ('warning', 5), 'position_bias': ('warning', 5),
    'constant_annotators': ('warning', 10), 'outlier_annotators': ('info', 5), 'duplicate_ratings': ('warning', 5),
    'items_few_ratings': ('info', 5), 'leaked_prompts': ('error', 15), 'near_leaked_prompts': ('warning', 10),
}


# ---------------------------------------------------------------- hashing, from the definitions

def imul(a, b):
    return (a * b) & M32


def fmix32(h):
    h &= M32
    h ^= h >> 16
    h = imul(h, 0x85EBCA6B)
    h ^= h >> 13
    h = imul(h, 0xC2B2AE35)
    h ^= h >> 16
    return h


def mulberry32_u32(seed):
    a = seed & M32

    def nxt():
        nonlocal a
        a = (a + 0x6D2B79F5) & M32
        t = a
        t = imul(t ^ (t >> 15), t | 1)
        t ^= (t + imul(t ^ (t >> 7), t | 61)) & M32
        return (t ^ (t >> 14)) & M32
    return nxt


def utf16_units(s):
    b = s.encode('utf-16-le', 'surrogatepass')
    return [b[i] | (b[i + 1] << 8) for i in range(0, len(b), 2)]


def fnv1a(units):
    h = 0x811C9DC5
    for c in units:
        h = imul(h ^ c, 0x01000193)
    return h


def words_of(text):
    """Maximal runs of letters and digits (general category L* or N*), each character lower-cased on its own."""
    out, cur = [], []
    for ch in text:
        if unicodedata.category(ch)[0] in 'LN':
            cur.append(ch.lower())
        elif cur:
            out.append(''.join(cur))
            cur = []
    if cur:
        out.append(''.join(cur))
    return out


def shingles_of(words):
    if not words:
        return []
    if len(words) < SHINGLE_K:
        return [tuple(words)]
    return [tuple(words[i:i + SHINGLE_K]) for i in range(len(words) - SHINGLE_K + 1)]


def shingle_hash(sh):
    s = 0
    for w in sh:
        s = fmix32(imul(s, 0x01000193) ^ fnv1a(utf16_units(w)))
    return s


class MinHash:
    def __init__(self, seed=SEED):
        nxt = mulberry32_u32(seed)
        self.bin_seed = nxt()
        probe_seed = nxt()
        self.probe = [[fmix32(probe_seed ^ ((j << 8) | t)) >> 26 for t in range(PROBES)] for j in range(NUM_PERM)]

    def signature(self, text):
        sh = shingles_of(words_of(text))
        if not sh:
            return None
        bins = [None] * NUM_PERM
        for s in sh:
            h = fmix32(shingle_hash(s) ^ self.bin_seed)
            b, v = h >> 26, h & 0xFFFF
            if bins[b] is None or v < bins[b]:
                bins[b] = v
        out = []
        for j in range(NUM_PERM):
            v = bins[j]
            if v is None:
                for k in self.probe[j]:
                    if bins[k] is not None:
                        v = bins[k]
                        break
                else:
                    for d in range(1, NUM_PERM):
                        if bins[(j + d) % NUM_PERM] is not None:
                            v = bins[(j + d) % NUM_PERM]
                            break
            out.append(v)
        return out


def band_key(sig, band):
    """The band's 4 values packed into two 32-bit words (first value in the low half), folded by fmix32 from a seed of the band number."""
    v = sig[band * ROWS_PER_BAND:(band + 1) * ROWS_PER_BAND]
    lo = v[0] | (v[1] << 16)
    hi = v[2] | (v[3] << 16)
    return fmix32(fmix32(imul(band + 1, 0x9E3779B1) ^ lo) ^ hi)


def similarity(a, b):
    return sum(1 for x, y in zip(a, b) if x == y) / NUM_PERM


def jaccard(a, b):
    a, b = set(a), set(b)
    return len(a & b) / len(a | b) if a | b else 1.0


# ---------------------------------------------------------------- text measures

WS = ' \t\n\x0b\x0c\r'
FINAL = set('.!?…。！？"\'”’»)]}>`*|')


def tokens(s):
    return len(re.findall(r'[^ \t\n\x0b\x0c\r]+', s))


def norm(s):
    return ' '.join(re.findall(r'[^ \t\n\x0b\x0c\r]+', s))


def mid_sentence(s):
    t = s.rstrip(WS)
    if not t:
        return False
    ch = t[-1]
    if ch in FINAL:
        return False
    return unicodedata.category(ch)[0] == 'L' or ch in ',:;-–—'


ROLE_ALIAS = {'system': 'system', 'developer': 'system', 'user': 'user', 'human': 'user', 'assistant': 'assistant', 'gpt': 'assistant',
              'bot': 'assistant', 'model': 'assistant', 'chatgpt': 'assistant', 'tool': 'tool', 'function': 'tool',
              'function_call': 'tool', 'observation': 'tool', 'ipython': 'tool'}


def content_text(c):
    if isinstance(c, str):
        return c
    if isinstance(c, list):
        parts = []
        for p in c:
            if isinstance(p, str):
                parts.append(p)
            elif isinstance(p, dict):
                t = p.get('text') if isinstance(p.get('text'), str) else p.get('value') if isinstance(p.get('value'), str) else None
                if t is not None and p.get('type', 'text') == 'text':
                    parts.append(t)
        return '\n'.join(parts)
    return None


def turns_of(msgs):
    out, unknown, empty = [], 0, 0
    for m in msgs:
        role = m.get('role', m.get('from'))
        text = content_text(m['content'] if 'content' in m else m.get('value'))
        r = ROLE_ALIAS.get(role.lower()) if isinstance(role, str) else None
        if r is None:
            unknown += 1
        if text is None or text.strip(WS) == '':
            empty += 1
        out.append((r or 'unknown', text or ''))
    return out, unknown, empty


def last_assistant(turns):
    for i in range(len(turns) - 1, -1, -1):
        if turns[i][0] == 'assistant':
            return i
    return -1


def user_text(turns, end=None):
    end = len(turns) if end is None else end
    return '\n'.join(t for r, t in turns[:end] if r == 'user')


# ---------------------------------------------------------------- the figures

def pct(x, q):
    return float(np.percentile(x, q))


def length_stats(values):
    x = np.array(values, float)
    lo, hi = float(x.min()), float(x.max())
    counts, edges = np.histogram(x, bins=BINS, range=(lo, hi) if lo != hi else (lo - 0.5, hi + 0.5))
    return {'n': len(x), 'mean': float(x.mean()), 'min': lo, 'p5': pct(x, 5), 'p25': pct(x, 25), 'p50': pct(x, 50), 'p75': pct(x, 75),
            'p95': pct(x, 95), 'p99': pct(x, 99), 'max': hi, 'histogram': {'edges': [float(e) for e in edges], 'counts': [int(c) for c in counts]}}


def first_lines(lines):
    return sorted(lines)[:EXAMPLES]


class Report:
    def __init__(self, rows):
        self.rows = rows
        self.issues = []

    def issue(self, id, count, denominator, lines, file='data', share=None):
        if count <= 0:
            return
        sev, w = WEIGHTS[id]
        s = share if share is not None else (count / denominator if denominator else 0)
        self.issues.append({'id': id, 'severity': sev, 'count': count, 'share': s, 'weight': w, 'penalty': w * min(1, s / SATURATION), 'lines': lines[:EXAMPLES], 'file': file})

    def finish(self):
        order = {'error': 0, 'warning': 1, 'info': 2}
        self.issues.sort(key=lambda i: (order[i['severity']], -i['penalty'], i['id']))
        return max(0.0, 100 - sum(i['penalty'] for i in self.issues))


def near_duplicates(prompts, mh):
    """prompts: distinct normalised prompts in first-occurrence order, each (text, first_line, rows)."""
    sigs = [mh.signature(t) for t, _, _ in prompts]
    parent = list(range(len(prompts)))

    def find(i):
        while parent[i] != i:
            i = parent[i]
        return i
    tables = [dict() for _ in range(BANDS)]
    joined = []
    for i, sig in enumerate(sigs):
        if sig is None:
            continue
        for b in range(BANDS):
            k = band_key(sig, b)
            rep = tables[b].get(k)
            if rep is None:
                tables[b][k] = i
            elif find(rep) != find(i) and similarity(sigs[rep], sig) >= THRESHOLD:
                ra, rb = find(rep), find(i)
                parent[max(ra, rb)] = min(ra, rb)
                joined.append((rep, i))
    groups = {}
    for i in range(len(prompts)):
        groups.setdefault(find(i), []).append(i)
    clusters = [sorted(m) for m in groups.values() if len(m) > 1]
    return sigs, tables, clusters, joined


def analyse(path, against=None):
    """The expected result for one file, shape by shape, from the documented definitions."""
    rows = []
    with open(path, encoding='utf-8') as fh:
        for i, line in enumerate(fh, 1):
            if line.strip():
                rows.append((i, json.loads(line)))
    first = rows[0][1]
    if 'chosen_messages' in first:
        shape = 'preference-messages'
    elif 'chosen' in first and 'rejected' in first:
        shape = 'preference'
    elif 'item_id' in first and 'annotator' in first:
        shape = 'annotation'
    elif 'completion' in first and 'label' in first:
        shape = 'kto'
    elif 'messages' in first or 'conversations' in first:
        shape = 'conversation'
    elif 'completion' in first:
        shape = 'sft'
    else:
        shape = 'prompts'
    n = len(rows)
    rep = Report(n)
    probs = {k: [] for k in ['wrong_types', 'missing_fields', 'empty_prompt', 'empty_chosen', 'empty_rejected', 'empty_completion',
                             'identical_chosen_rejected', 'prompt_mismatch', 'no_assistant_turn', 'unknown_roles', 'empty_turns', 'ties']}
    prompts = []  # per row: prompt text or None
    lens = {}
    for role in (['prompt', 'chosen', 'rejected'] if shape.startswith('preference') else ['prompt'] if shape == 'prompts' else ['prompt', 'completion'] if shape != 'annotation' else []):
        lens[role] = []  # per row (chars, tokens, mid) or None
    labels = {}
    position = [0, 0]
    side_labels, other_labels = [0, 0], 0
    annot = {}
    items = {}
    seen_pairs = set()
    dup_ratings = []
    turn_counts = {'system': 0, 'user': 0, 'assistant': 0, 'tool': 0, 'unknown': 0}
    groups = {}
    FIRST = {'a', 'first', 'left', '0', 'response_a', 'model_a', 'chosen'}
    SECOND = {'b', 'second', 'right', '1', 'response_b', 'model_b', 'rejected'}
    TIES = {'tie', 'equal', 'same', 'both', 'neither', 'draw', 'tie (bothbad)', 'both_bad', 'both_good'}

    def key(v):
        if isinstance(v, bool):
            return 'true' if v else 'false'
        if isinstance(v, str):
            return v if v.strip() else None
        if isinstance(v, (int, float)):
            return repr(v) if isinstance(v, float) and not v.is_integer() else str(int(v))
        return None

    def flag(v):
        if isinstance(v, bool):
            return 'true' if v else 'false'
        if v in (0, 1) and isinstance(v, (int, float)):
            return 'true' if v == 1 else 'false'
        if isinstance(v, str):
            t = v.strip().lower()
            return 'true' if t in ('true', '1', 'yes', 'y', 't', '1.0') else 'false' if t in ('false', '0', 'no', 'n', 'f', '0.0') else None
        return None

    def measure(role, text, response):
        lens[role].append((len(text), tokens(text), response and mid_sentence(text)))

    for line, v in rows:
        if shape == 'preference':
            p = v.get('prompt')
            prompts.append(p if isinstance(p, str) else None)
            if isinstance(p, str):
                measure('prompt', p, False)
                if not p.strip(WS):
                    probs['empty_prompt'].append(line)
            else:
                lens['prompt'].append(None)
                probs['empty_prompt'].append(line)
            sides = []
            for role in ('chosen', 'rejected'):
                t = v.get(role)
                if t is None:
                    t = ''
                if not isinstance(t, str):
                    lens[role].append(None)
                    sides.append(None)
                    continue
                measure(role, t, True)
                if not t.strip(WS):
                    probs[f'empty_{role}'].append(line)
                sides.append(t)
            if None in sides:
                probs['wrong_types'].append(line)
            elif norm(sides[0]) and norm(sides[0]) == norm(sides[1]):
                probs['identical_chosen_rejected'].append(line)
            cs, rs = v.get('chosen_score'), v.get('rejected_score')
            lab = v.get('label')
            if (isinstance(cs, (int, float)) and isinstance(rs, (int, float)) and cs == rs) or (isinstance(lab, str) and lab.lower() in TIES):
                probs['ties'].append(line)
            pos = key(v.get('chosen_position'))
            if pos is not None:
                pos = pos.strip().lower()
                if pos in FIRST:
                    position[0] += 1
                elif pos in SECOND:
                    position[1] += 1
        elif shape == 'preference-messages':
            parsed = []
            flags = set()
            for col in ('chosen_messages', 'rejected_messages'):
                turns, unknown, empty = turns_of(v[col])
                for r, _ in turns:
                    turn_counts[r] += 1
                la = last_assistant(turns)
                if unknown:
                    flags.add('unknown_roles')
                if empty:
                    flags.add('empty_turns')
                if la < 0:
                    flags.add('no_assistant_turn')
                parsed.append((user_text(turns, la if la >= 0 else None), turns[la][1] if la >= 0 else ''))
            for k in sorted(flags):
                probs[k].append(line)
            prompts.append(parsed[0][0])
            measure('prompt', parsed[0][0], False)
            for role, (_, ans) in zip(('chosen', 'rejected'), parsed):
                measure(role, ans, True)
                if not ans.strip(WS):
                    probs[f'empty_{role}'].append(line)
            if parsed[0][0] != parsed[1][0]:
                probs['prompt_mismatch'].append(line)
            if norm(parsed[0][1]) and norm(parsed[0][1]) == norm(parsed[1][1]):
                probs['identical_chosen_rejected'].append(line)
        elif shape == 'prompts':
            p = v.get('prompt')
            if isinstance(p, list) and p and all(isinstance(m, dict) and ('role' in m or 'from' in m) for m in p):
                turns, _, _ = turns_of(p)
                p = user_text(turns) or '\n'.join(t for _, t in turns)
            if isinstance(p, str):
                prompts.append(p)
                measure('prompt', p, False)
                if not p.strip(WS):
                    probs['empty_prompt'].append(line)
            else:
                prompts.append(None)
                lens['prompt'].append(None)
                if p is None:
                    probs['empty_prompt'].append(line)
                else:
                    probs['wrong_types'].append(line)
        elif shape in ('kto', 'sft'):
            p = v.get('prompt')
            prompts.append(p)
            measure('prompt', p, False)
            if not p.strip(WS):
                probs['empty_prompt'].append(line)
            c = v.get('completion')
            if not isinstance(c, str):
                probs['wrong_types'].append(line)
                lens['completion'].append(None)
            else:
                measure('completion', c, True)
                if not c.strip(WS):
                    probs['empty_completion'].append(line)
            if shape == 'kto':
                lab = v.get('label')
                fl = flag(lab)
                if lab is None or (isinstance(lab, str) and not lab.strip()):
                    probs['missing_fields'].append(line)
                elif fl is None:
                    probs['wrong_types'].append(line)
                if fl is not None:
                    labels[fl] = labels.get(fl, 0) + 1
        elif shape == 'conversation':
            msgs = v.get('messages', v.get('conversations'))
            turns, unknown, empty = turns_of(msgs)
            for r, _ in turns:
                turn_counts[r] += 1
            la = last_assistant(turns)
            prompt = user_text(turns, la if la >= 0 else None)
            prompts.append(prompt)
            measure('prompt', prompt, False)
            if unknown:
                probs['unknown_roles'].append(line)
            if empty:
                probs['empty_turns'].append(line)
            if la < 0:
                probs['no_assistant_turn'].append(line)
                lens['completion'].append(None)
            else:
                measure('completion', turns[la][1], True)
                if not turns[la][1].strip(WS):
                    probs['empty_completion'].append(line)
        elif shape == 'annotation':
            prompts.append(None)
            item, ann, lab = key(v.get('item_id')), key(v.get('annotator')), key(v.get('label'))
            if lab is not None:
                labels[lab] = labels.get(lab, 0) + 1
            if item is None or ann is None or lab is None:
                probs['missing_fields'].append(line)
                continue
            annot.setdefault(ann, {'labels': {}, 'lines': []})
            annot[ann]['labels'][lab] = annot[ann]['labels'].get(lab, 0) + 1
            annot[ann]['lines'].append(line)
            if item in items:
                items[item][0] += 1
            else:
                items[item] = [1, line]
            if (item, ann) in seen_pairs:
                dup_ratings.append(line)
            seen_pairs.add((item, ann))
            if lab.lower() in TIES:
                probs['ties'].append(line)
            s = lab.strip().lower()
            if s in FIRST:
                side_labels[0] += 1
            elif s in SECOND:
                side_labels[1] += 1
            elif lab.lower() not in TIES:
                other_labels += 1
        source_col = next((c for c in ('source', 'dataset', 'subset', 'domain', 'category') if c in first), None)
        round_col = next((c for c in ('round', 'collection_round', 'batch') if c in first), None)
        for role, gcol in (('source', source_col), ('round', round_col)):
            if gcol is not None:
                g = groups.setdefault(role, {})
                k = key(v.get(gcol)) or '(none)'
                e = g.setdefault(k, {'rows': 0, 'labels': {}})
                e['rows'] += 1
                lab = flag(v.get('label')) if shape == 'kto' else key(v.get('label'))
                if lab is not None and (shape in ('annotation', 'kto') or 'label' in first):
                    e['labels'][lab] = e['labels'].get(lab, 0) + 1

    lines = [l for l, _ in rows]
    res = {'shape': shape, 'rows': n}
    for pid in ['wrong_types', 'missing_fields']:
        rep.issue(pid, len(probs[pid]), n, probs[pid])
    if shape in ('preference', 'kto', 'sft', 'prompts'):
        rep.issue('empty_prompt', len(probs['empty_prompt']), n, probs['empty_prompt'])
    if shape.startswith('preference'):
        for pid in ['empty_chosen', 'empty_rejected', 'identical_chosen_rejected']:
            rep.issue(pid, len(probs[pid]), n, probs[pid])
    elif shape not in ('annotation', 'prompts'):
        rep.issue('empty_completion', len(probs['empty_completion']), n, probs['empty_completion'])
    if shape == 'preference-messages':
        rep.issue('prompt_mismatch', len(probs['prompt_mismatch']), n, probs['prompt_mismatch'])
    if shape in ('preference-messages', 'conversation'):
        for pid in ['no_assistant_turn', 'unknown_roles', 'empty_turns']:
            rep.issue(pid, len(probs[pid]), n, probs[pid])

    # exact duplicate rows: same fields in the same order, strings exactly equal, other values equal
    seen, dup_lines = set(), []
    for line, v in rows:
        k = tuple((name, x if isinstance(x, str) else json.dumps(x, sort_keys=False)) for name, x in v.items())
        if k in seen:
            dup_lines.append(line)
        seen.add(k)
    res['exact_duplicate_rows'] = len(dup_lines)
    rep.issue('exact_duplicate_rows', len(dup_lines), n, dup_lines)

    mh = MinHash()
    data_index = None
    if shape != 'annotation':
        distinct, order, rows_per = {}, [], []
        dup_p = []
        with_prompt = 0
        for (line, _), p in zip(rows, prompts):
            if p is None or not norm(p):
                continue
            with_prompt += 1
            k = norm(p)
            if k in distinct:
                dup_p.append(line)
                rows_per[distinct[k]] += 1
            else:
                distinct[k] = len(order)
                order.append((p, line))
                rows_per.append(1)
        res['duplicate_prompts'] = len(dup_p)
        res['duplicate_prompt_share'] = len(dup_p) / with_prompt if with_prompt else 0
        rep.issue('duplicate_prompts', len(dup_p), with_prompt, dup_p)
        sigs, tables, clusters, joined = near_duplicates([(t, l, r) for (t, l), r in zip(order, rows_per)], mh)
        near = sum(len(c) - 1 for c in clusters)
        res['near_duplicate_prompts'] = near
        res['near_duplicate_prompt_share'] = near / with_prompt if with_prompt else 0
        later = first_lines([order[d][1] for c in clusters for d in c[1:]])
        rep.issue('near_duplicate_prompts', near, with_prompt, later)
        listed = sorted(clusters, key=lambda c: (-len(c), -sum(rows_per[d] for d in c), order[c[0]][1]))[:20]
        res['clusters'] = [{'size': len(c), 'rows': sum(rows_per[d] for d in c), 'lines': [order[d][1] for d in c][:EXAMPLES]} for c in listed]
        # exact Jaccard over the shingle sets of every pair of distinct prompts
        sh = [set(shingles_of(words_of(t))) for t, _ in order]
        comp = {}
        for ci, c in enumerate(clusters):
            for d in c:
                comp[d] = ci
        high, high_clustered, cand = 0, 0, 0
        for i in range(len(order)):
            for j in range(i + 1, len(order)):
                if not sh[i] or not sh[j]:
                    continue
                jv = jaccard(sh[i], sh[j])
                if jv >= 0.9:
                    high += 1
                    high_clustered += comp.get(i, -1) == comp.get(j, -2)
        joined_j = [jaccard(sh[a], sh[b]) for a, b in joined]
        res['exact_jaccard'] = {'pairs_at_least_0_9': high, 'of_them_clustered': high_clustered, 'joined_edges': len(joined_j),
                                'min_exact_jaccard_of_joined_edges': min(joined_j) if joined_j else None,
                                'mean_abs_error_of_estimates': float(np.mean([abs(similarity(sigs[a], sigs[b]) - jaccard(sh[a], sh[b])) for a, b in joined])) if joined else None}
        data_index = (distinct, order, sigs, tables)

    if against:
        arows = []
        with open(against, encoding='utf-8') as fh:
            for i, line in enumerate(fh, 1):
                if line.strip():
                    arows.append((i, json.loads(line)))
        distinct, order, sigs, tables = data_index
        leaked, nearl, matches, qwith = [], [], [], 0
        for line, v in arows:
            p = v.get('prompt')
            if not isinstance(p, str) or not norm(p):
                continue
            qwith += 1
            k = norm(p)
            if k in distinct:
                leaked.append(line)
                if len(matches) < EXAMPLES:
                    matches.append({'line': line, 'data_line': order[distinct[k]][1], 'similarity': 1.0})
                continue
            sig = mh.signature(p)
            if sig is None:
                continue
            for b in range(BANDS):
                rep_i = tables[b].get(band_key(sig, b))
                if rep_i is not None and similarity(sig, sigs[rep_i]) >= THRESHOLD:
                    nearl.append(line)
                    if len(matches) < EXAMPLES:
                        matches.append({'line': line, 'data_line': order[rep_i][1], 'similarity': similarity(sig, sigs[rep_i])})
                    break
        res.update({'against_rows': len(arows), 'leaked_prompts': len(leaked), 'near_leaked_prompts': len(nearl),
                    'train_eval_leakage': (len(leaked) + len(nearl)) / qwith, 'matches': matches})
        rep.issue('leaked_prompts', len(leaked), qwith, leaked, 'against')
        rep.issue('near_leaked_prompts', len(nearl), qwith, nearl, 'against')

    if shape.startswith('preference') or shape == 'annotation':
        res['ties'] = len(probs['ties'])
        rep.issue('ties', len(probs['ties']), n, probs['ties'])
    if lens and shape != 'annotation':
        flagged = set()
        for role in (['chosen', 'rejected'] if shape.startswith('preference') else [] if shape == 'prompts' else ['completion']):
            vals = [x for x in lens[role] if x is not None]
            max_c = max(c for c, _, _ in vals)
            max_t = max(t for _, t, _ in vals)
            at_c = sum(1 for c, _, _ in vals if c == max_c)
            at_t = sum(1 for _, t, _ in vals if t == max_t)
            for r, x in enumerate(lens[role]):
                if x is None or not x[2]:
                    continue
                c, t, _ = x
                if (t >= ROUND_TOKENS and t % ROUND_TOKENS == 0) or (at_c >= 3 and c == max_c) or (at_t >= 3 and t == max_t):
                    flagged.add(r)
        if shape != 'prompts':
            res['truncated_responses'] = len(flagged)
        rep.issue('truncated_responses', len(flagged), n, first_lines([lines[r] for r in flagged]))
        res['lengths'] = []
        for role in ['prompt', 'chosen', 'rejected', 'completion']:
            if role not in lens:
                continue
            for ui, unit in enumerate(['chars', 'tokens']):
                vals = [x[ui] for x in lens[role] if x is not None]
                if vals:
                    res['lengths'].append({'role': role, 'unit': unit, **length_stats(vals)})
        if shape.startswith('preference'):
            res['length_difference'] = []
            for ui, unit in enumerate(['chars', 'tokens']):
                d = [a[ui] - b[ui] for a, b in zip(lens['chosen'], lens['rejected']) if a is not None and b is not None]
                d = np.array(d)
                res['length_difference'].append({'unit': unit, 'chosen_longer_share': float((d > 0).mean()), 'equal_share': float((d == 0).mean()),
                                                 'rejected_longer_share': float((d < 0).mean()), **length_stats(d)})
    if labels:
        total = sum(labels.values())
        res['labels'] = {'counts': labels, 'shares': {k: c / total for k, c in labels.items()}}
    res['groups'] = [{'role': g, 'values': sorted([{'value': k, 'rows': e['rows'], 'share': e['rows'] / n, 'labels': e['labels']} for k, e in vals.items()], key=lambda x: (-x['rows'], x['value']))}
                     for g, vals in groups.items()]

    pos = position if shape.startswith('preference') else side_labels if (shape == 'annotation' and other_labels == 0) else [0, 0]
    if sum(pos) > 0:
        p_value = float(stats.binomtest(pos[0], sum(pos), 0.5).pvalue)
        res['position_bias'] = {'first': pos[0], 'second': pos[1], 'first_share': pos[0] / sum(pos), 'p_value': p_value}
        if p_value < POSITION_ALPHA:
            sev, w = WEIGHTS['position_bias']
            rep.issues.append({'id': 'position_bias', 'severity': sev, 'count': sum(pos), 'share': 1, 'weight': w, 'penalty': w, 'lines': [], 'file': 'data'})
    else:
        res['position_bias'] = None
    if shape in ('conversation', 'preference-messages'):
        res['messages'] = {'turns': turn_counts}

    if shape == 'annotation':
        pooled = {}
        for e in annot.values():
            for k, c in e['labels'].items():
                pooled[k] = pooled.get(k, 0) + c
        ratings = sum(pooled.values())
        pool = {k: c / ratings for k, c in pooled.items()}
        per = []
        for ann, e in annot.items():
            m = sum(e['labels'].values())
            pa = {k: e['labels'].get(k, 0) / m for k in pool}
            tv = 0.5 * sum(abs(pa[k] - pool[k]) for k in pool)
            kl = sum(pa[k] * math.log(pa[k] / pool[k]) for k in pool if pa[k] > 0)
            per.append({'annotator': ann, 'n': m, 'labels': e['labels'], 'tv_distance': tv, 'kl_divergence': kl,
                        'constant': len(e['labels']) == 1 and len(pool) > 1 and m >= CONSTANT_MIN})
        per.sort(key=lambda x: (-x['tv_distance'], -x['n'], x['annotator']))
        constant = [x for x in per if x['constant']]
        rep.issue('constant_annotators', len(constant), len(annot), first_lines([l for x in constant for l in annot[x['annotator']]['lines'][:EXAMPLES]]),
                  share=sum(x['n'] for x in constant) / ratings)
        outl = [x for x in per if not x['constant'] and x['n'] >= CONSTANT_MIN and x['tv_distance'] >= OUTLIER_TV]
        rep.issue('outlier_annotators', len(outl), len(annot), first_lines([l for x in outl for l in annot[x['annotator']]['lines'][:EXAMPLES]]),
                  share=sum(x['n'] for x in outl) / ratings)
        rep.issue('duplicate_ratings', len(dup_ratings), ratings, dup_ratings)
        few = [(c, l) for c, l in items.values() if c < 2]
        rep.issue('items_few_ratings', len(few), len(items), first_lines([l for _, l in few]))
        res['annotation'] = {'items': len(items), 'annotators': len(annot), 'ratings': ratings, 'pool': pool, 'items_few_ratings': len(few),
                             'duplicate_ratings': len(dup_ratings), 'constant_annotators': [x['annotator'] for x in constant], 'per_annotator': per}
    res['quality_score'] = rep.finish()
    res['issues'] = rep.issues
    return res


# ---------------------------------------------------------------- seeded datasets

WORDS = ('the a store week sales price order stock customer team report email draft plan budget forecast supplier delivery '
         'launch review summary policy refund warranty invoice schedule meeting project risk quality metric target '
         'growth churn campaign region segment inventory shelf promotion discount loyalty survey feedback').split()
UNICODE = ['Größe', 'façade', 'naïve', 'ΣΟΦΊΑ', 'İstanbul', '東京の天気', 'résumé', '😀', 'Ünïcödé', 'ﬁle']


def sentence(rng, k, end='.'):
    return ' '.join(rng.choice(WORDS) for _ in range(k)).capitalize() + end


def make_preference(rng, n):
    rows = []
    prompts = []
    for i in range(n):
        p = sentence(rng, rng.randint(8, 30), '?')
        if i % 37 == 5:
            p = p.replace(' ', '  \t', 2) + ' ' + rng.choice(UNICODE)
        prompts.append(p)
        chosen = ' '.join(sentence(rng, rng.randint(5, 14)) for _ in range(rng.randint(2, 6)))
        rejected = ' '.join(sentence(rng, rng.randint(4, 12)) for _ in range(rng.randint(1, 4)))
        row = {'prompt': p, 'chosen': chosen, 'rejected': rejected, 'source': rng.choice(['web', 'app', 'api', 'app']),
               'round': 1 + i * 3 // n, 'chosen_position': rng.choice(['a', 'a', 'a', 'b']),
               'chosen_score': rng.randint(1, 10), 'rejected_score': rng.randint(1, 10)}
        rows.append(row)
    for k, i in enumerate(range(0, n, 41)):   # near-duplicate prompts: one word changed in a long prompt
        base = sentence(rng, 30 + 10 * (k % 4), '?')
        rows[i]['prompt'] = base
        ws = base.split(' ')
        ws[len(ws) // 2] = 'different'
        rows[(i + 17) % n]['prompt'] = ' '.join(ws)
        if k % 3 == 0:                        # a third member of the cluster
            ws = base.split(' ')
            ws[-2] = 'another'
            rows[(i + 23) % n]['prompt'] = ' '.join(ws)
    for i in range(3, n, 53):          # exact duplicate prompts with other responses
        rows[(i + 9) % n]['prompt'] = rows[i]['prompt'] + '  '
    for i in range(7, n, 61):          # identical sides, whitespace-different
        rows[i]['rejected'] = ' ' + rows[i]['chosen'].replace(' ', '\n', 1)
    rows[11]['chosen'] = '   '
    rows[12]['rejected'] = ''
    rows[13]['chosen'] = None
    rows[14]['rejected'] = 42          # wrong type
    rows[15]['prompt'] = ''
    del rows[16]['prompt']
    for i in range(20, n, 29):         # truncated: 64 words, no final punctuation
        rows[i]['chosen'] = ' '.join(rng.choice(WORDS) for _ in range(64))
    rows[21]['chosen'] = rows[21]['chosen'] + ' and then'
    for i in range(30, n, 47):
        rows[i]['rejected_score'] = rows[i]['chosen_score']
    rows.append(dict(rows[40]))        # exact duplicate rows
    rows.append(dict(rows[41]))
    rows.insert(60, dict(rows[59]))
    rows[100]['prompt'] = 'Σίσυφος ΣΊΣΥΦΟΣ 東京 naïve façade Größe?'
    rows[101]['prompt'] = 'σίσυφος σίσυφος 東京 NAÏVE façade größe!'
    rows[102]['prompt'] = '😀 🙂 !!!'
    return rows


def make_eval(rng, train, n):
    rows = []
    for i in range(n):
        rows.append({'prompt': sentence(rng, rng.randint(8, 30), '?'), 'chosen': sentence(rng, 10), 'rejected': sentence(rng, 6)})
    for k, i in enumerate(range(0, n, 9)):     # exact leaks (whitespace differs)
        rows[i]['prompt'] = '\n' + train[k * 13 + 2]['prompt'].replace(' ', '   ') + ' '
    long = [r['prompt'] for r in train if isinstance(r.get('prompt'), str) and len(r['prompt'].split(' ')) >= 28]
    for k, i in enumerate(range(4, n, 11)):    # near leaks: one word changed in a long prompt
        ws = long[k * 3].split(' ')
        ws[2] = 'unrelated'
        rows[i]['prompt'] = ' '.join(ws)
    return rows


def make_kto(rng, n):
    rows = []
    for i in range(n):
        rows.append({'prompt': sentence(rng, rng.randint(6, 20), '?'), 'completion': sentence(rng, rng.randint(3, 40), rng.choice(['.', '.', '', '!'])),
                     'label': rng.random() < 0.7, 'round': rng.choice(['r1', 'r2'])})
    rows[3]['label'] = 'maybe'
    rows[4]['label'] = None
    rows[5]['completion'] = ['not', 'text']
    rows[6]['completion'] = ''
    rows[7]['label'] = 'false'
    rows[8]['prompt'] = rows[9]['prompt']
    return rows


def make_conversations(rng, n):
    rows = []
    for i in range(n):
        if i % 2:
            msgs = [{'from': 'system', 'value': 'You are helpful.'}, {'from': 'human', 'value': sentence(rng, rng.randint(6, 25), '?')}, {'from': 'gpt', 'value': sentence(rng, rng.randint(10, 50))}]
            rows.append({'conversations': msgs})
        else:
            msgs = [{'role': 'system', 'content': 'Be brief.'}, {'role': 'user', 'content': sentence(rng, rng.randint(6, 25), '?')},
                    {'role': 'assistant', 'content': sentence(rng, rng.randint(5, 20))}, {'role': 'user', 'content': sentence(rng, 5, '?')},
                    {'role': 'assistant', 'content': [{'type': 'text', 'text': sentence(rng, rng.randint(5, 30))}]}]
            rows.append({'messages': msgs})
    return rows


def fix_conversation_key(rows):
    # One shape per file: the first row decides (messages); ShareGPT rows use the same key here.
    for r in rows:
        if 'conversations' in r:
            r['messages'] = r.pop('conversations')
    rows[3]['messages'].append({'role': 'narrator', 'content': 'odd'})
    rows[4]['messages'] = [{'role': 'user', 'content': 'hello?'}]
    rows[5]['messages'][1]['content'] = ''
    rows[6]['messages'][-1]['content'] = ' '.join(['word'] * 128)
    return rows


def make_pref_messages(rng, n):
    rows = []
    for i in range(n):
        sys_ = {'role': 'system', 'content': [{'type': 'text', 'value': 'You are an AI assistant.'}], 'loss_weight': 0.0}
        user = {'role': 'user', 'content': [{'type': 'text', 'value': sentence(rng, rng.randint(6, 30), '?')}], 'loss_weight': 0.0}
        a = {'role': 'assistant', 'content': [{'type': 'text', 'value': sentence(rng, rng.randint(5, 40))}], 'loss_weight': 1.0}
        b = {'role': 'assistant', 'content': [{'type': 'text', 'value': sentence(rng, rng.randint(5, 40))}], 'loss_weight': 1.0}
        rows.append({'chosen_messages': [sys_, user, a], 'rejected_messages': [sys_, user, b]})
    rows[2]['rejected_messages'] = rows[2]['chosen_messages']
    rows[3]['rejected_messages'] = [rows[3]['rejected_messages'][0], {'role': 'user', 'content': [{'type': 'text', 'value': 'another question?'}]}, rows[3]['rejected_messages'][2]]
    rows[4]['chosen_messages'] = rows[4]['chosen_messages'][:2]
    rows[5]['chosen_messages'][1]['content'] = [{'type': 'image', 'url': 'x.png'}]
    rows[6]['prompt_id'] = 'x'
    return rows


def make_annotation(rng, items, annotators):
    rows = []
    for it in range(items):
        truth = rng.choice(['response_a', 'response_b'])
        for a in annotators:
            if a == 'ann_lazy':
                lab = 'response_a'
            elif a == 'ann_contrarian':
                lab = 'response_b' if rng.random() < 0.85 else 'response_a'
            else:
                lab = truth if rng.random() < 0.8 else rng.choice(['response_a', 'response_b', 'tie'])
            rows.append({'item_id': f'pair-{it:04d}', 'annotator': a, 'label': lab})
    rows.append(dict(rows[5]))
    rows.append({'item_id': 'pair-solo', 'annotator': 'ann_1', 'label': 'response_b'})
    rows.append({'item_id': 'pair-solo2', 'annotator': 'ann_2', 'label': ''})
    return rows


def make_prompts(rng, n):
    rows = [{'prompt': sentence(rng, rng.randint(5, 35), '?'), 'category': rng.choice(['safety', 'privacy', 'bias'])} for _ in range(n)]
    for k, i in enumerate(range(0, n, 23)):
        base = sentence(rng, 32, '?')
        rows[i]['prompt'] = base
        rows[(i + 7) % n]['prompt'] = base[:-1] + ' please?'
    rows[5]['prompt'] = rows[60]['prompt']
    rows[6]['prompt'] = '   '
    rows[7]['prompt'] = 12345
    del rows[8]['prompt']
    rows[9]['prompt'] = [{'role': 'user', 'content': 'What is a message-list prompt?'}]
    return rows


def write(name, rows):
    with open(os.path.join(DATA, name), 'w', encoding='utf-8', newline='\n') as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False) + '\n')
    return os.path.join(DATA, name)


def main():
    os.makedirs(DATA, exist_ok=True)
    rng = random.Random(20261201)
    train = make_preference(rng, 400)
    cases = {}
    f_train = write('preference.jsonl', train)
    f_eval = write('preference-eval.jsonl', make_eval(rng, train, 90))
    cases['preference'] = analyse(f_train)
    cases['preference --against eval'] = {'file': 'preference.jsonl', 'against': 'preference-eval.jsonl', **analyse(f_train, f_eval)}
    cases['preference']['file'] = 'preference.jsonl'
    for name, rows in [('kto.jsonl', make_kto(rng, 150)), ('conversation.jsonl', fix_conversation_key(make_conversations(rng, 120))),
                       ('preference-messages.jsonl', make_pref_messages(rng, 80)), ('prompts.jsonl', make_prompts(rng, 200)),
                       ('annotation.jsonl', make_annotation(rng, 60, ['ann_1', 'ann_2', 'ann_3', 'ann_lazy', 'ann_contrarian']))]:
        cases[name.replace('.jsonl', '')] = {'file': name, **analyse(write(name, rows))}
    params = {'shingle_k': SHINGLE_K, 'num_perm': NUM_PERM, 'bands': BANDS, 'rows_per_band': ROWS_PER_BAND, 'threshold': THRESHOLD, 'seed': SEED}
    # A few signatures verbatim, so that a difference in hashing shows up directly.
    mh = MinHash()
    texts = ['Plan a weekly restock for the store.', 'Größe İstanbul ΣΊΣΥΦΟΣ façade', 'one', 'two words', '😀 !!!', 'A b c d e f g h i j k l m n o p q r s t u v w x y z 0 1 2 3']
    sigs = [{'text': t, 'signature': mh.signature(t)} for t in texts]
    with open(OUT, 'w', encoding='utf-8') as fh:
        json.dump({'params': params, 'signatures': sigs, 'cases': cases}, fh, ensure_ascii=False, separators=(',', ':'))
    for k, c in cases.items():
        print(k, c['rows'], 'score', round(c['quality_score'], 2), [(i['id'], i['count']) for i in c['issues']], c.get('exact_jaccard'))


if __name__ == '__main__':
    main()
