/**
 * The incremental reparse (config/incremental.ts) gives exactly what a full parse gives: the same
 * nodes (kind, ranges, values, scalar styles), the same plain value and the same lint diagnostics,
 * after every one of thousands of seeded random edits on real-shaped files: typing, deletes, new
 * top-level keys, indenting and dedenting lines, breaking and mending blocks, multi-line pastes,
 * edits at both edges of the file. An edit it cannot vouch for is a full parse (it says why).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isMap, isPair, isScalar, isSeq, type Node } from 'yaml';
import { parseYaml, DEFAULT_PARSE_LIMITS, type ParsedFile } from '../server/src/config/parse';
import { reparseIncremental, lastFallback } from '../server/src/config/incremental';
import { lintText } from '../server/src/config/lint';
import { ROOT } from './support/lsp';
import { benchPipeline } from '../bench/pipeline-text';
import { mulberry32 as prng } from './support/prng';

/** Every node with its kind, ranges and value, in document order. */
function shape(p: ParsedFile): unknown {
  const out: unknown[] = [];
  const walk = (n: unknown): void => {
    if (n === null || n === undefined) {
      out.push(null);
      return;
    }
    if (isPair(n)) {
      out.push('pair');
      walk(n.key);
      walk(n.value);
      return;
    }
    const node = n as Node;
    if (isScalar(node)) out.push(['scalar', node.range, node.value, node.type, node.tag ?? null]);
    else if (isMap(node) || isSeq(node)) {
      out.push([isMap(node) ? 'map' : 'seq', node.range, !!node.flow, node.items.length, node.tag ?? null]);
      for (const it of node.items) walk(it);
    } else out.push(['other', node.range]);
  };
  for (const d of p.documents) {
    out.push(['doc', d.doc.range, d.start, d.end, d.hasErrors, d.doc.errors.length]);
    walk(d.doc.contents);
  }
  return out;
}

function values(p: ParsedFile): unknown {
  return p.documents.map((d) => d.value);
}

const SNIPPETS = [
  'x', ' ', '\n', ':', ': ', '-', '- ', '#', '"', "'", '{', '}', '[', ']', ',', '|', '>', '  ', '\t', '&a ', '*a', '---\n', '0', 'e', '${{ ', ' }}',
  '\n  - id: pasted\n    phase: training\n    run: python x.py\n',
  'new_key: 1\n',
  '  - id: extra\n    phase: evaluation\n    needs: [s1]\n',
  'params:\n  other: 2\n',
  '    retries: 3\n',
  '\n\n',
  '  # a comment\n',
  'run: |\n  echo hi\n',
];

interface Counts {
  edits: number;
  incremental: number;
  fallbacks: Map<string, number>;
}

/** One random edit of `text`, of a kind picked by `rnd`. */
function randomEdit(text: string, rnd: () => number): string {
  const lines = text.split('\n');
  const lineAt = (i: number) => lines.slice(0, i).join('\n').length + (i > 0 ? 1 : 0);
  const pos = () => Math.floor(rnd() * (text.length + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const kind = Math.floor(rnd() * 12);
  switch (kind) {
    case 0:
    case 1: {
      // Typing: a snippet at a random place.
      const at = pos();
      return text.slice(0, at) + pick(SNIPPETS) + text.slice(at);
    }
    case 2: {
      // Delete a few characters.
      const at = pos();
      return text.slice(0, at) + text.slice(Math.min(text.length, at + 1 + Math.floor(rnd() * 12)));
    }
    case 3: {
      // Delete whole lines (a block).
      const l = Math.floor(rnd() * lines.length);
      const n = 1 + Math.floor(rnd() * 8);
      return lines.slice(0, l).concat(lines.slice(l + n)).join('\n');
    }
    case 4: {
      // Indent or dedent a line.
      const l = Math.floor(rnd() * lines.length);
      const copy = lines.slice();
      copy[l] = rnd() < 0.5 ? '  ' + copy[l] : copy[l]!.replace(/^ {1,2}/, '');
      return copy.join('\n');
    }
    case 5: {
      // Paste a copy of some lines elsewhere (a multi-line paste of real content).
      const l = Math.floor(rnd() * lines.length);
      const block = lines.slice(l, l + 1 + Math.floor(rnd() * 10));
      const at = Math.floor(rnd() * lines.length);
      return lines.slice(0, at).concat(block, lines.slice(at)).join('\n');
    }
    case 6: {
      // A new top-level key at a line start.
      const at = lineAt(Math.floor(rnd() * lines.length));
      return text.slice(0, at) + pick(['zzz: 1\n', 'metadata:\n  name: again\n', 'stages: []\n', 'extra:\n  - 1\n']) + text.slice(at);
    }
    case 7: {
      // Edits at the edges of the file.
      const r = rnd();
      if (r < 0.25) return pick(SNIPPETS) + text;
      if (r < 0.5) return text + pick(SNIPPETS);
      if (r < 0.75) return text.slice(Math.floor(rnd() * 20));
      return text.slice(0, Math.max(0, text.length - Math.floor(rnd() * 20)));
    }
    case 8: {
      // Replace a scalar value the way typing over it would.
      const m = [...text.matchAll(/: ([^\n{}[\],#]+)/g)];
      if (m.length === 0) return text;
      const hit = pick(m);
      const at = hit.index! + 2;
      return text.slice(0, at) + pick(['2', 'training', 'true', '"quoted"', '30m', 'data/x.jsonl', '']) + text.slice(at + hit[1]!.length);
    }
    case 9: {
      // Break a line in two, or join it with the next (an unbreakable block breaks; the next edit may mend it).
      const at = pos();
      if (rnd() < 0.5) return text.slice(0, at) + '\n' + text.slice(at);
      const nl = text.indexOf('\n', at);
      return nl < 0 ? text : text.slice(0, nl) + text.slice(nl + 1);
    }
    case 10: {
      // Cut a range of lines and put it back elsewhere (moving a stage).
      const l = Math.floor(rnd() * lines.length);
      const n = 1 + Math.floor(rnd() * 8);
      const block = lines.slice(l, l + n);
      const rest = lines.slice(0, l).concat(lines.slice(l + n));
      const at = Math.floor(rnd() * (rest.length + 1));
      return rest.slice(0, at).concat(block, rest.slice(at)).join('\n');
    }
    default: {
      // Typing a character at a time in the middle of a value line.
      const l = Math.floor(rnd() * lines.length);
      const at = lineAt(l) + Math.floor(rnd() * ((lines[l]?.length ?? 0) + 1));
      return text.slice(0, at) + pick(['a', '1', ' ', '_']) + text.slice(at);
    }
  }
}

/**
 * Applies `edits` random edits in a row, each checked against a full parse of the same text. A broken
 * text is mended the way a user would, most of the time: back to the last text that parsed cleanly.
 * Lint diagnostics are compared on every `lintEvery`-th incremental edit (the nodes and values on all).
 */
function fuzz(file: string, text: string, seed: number, edits: number, counts: Counts, lintEvery = 1): void {
  const rnd = prng(seed);
  const limits = DEFAULT_PARSE_LIMITS;
  let current = text;
  let good = text;
  let parsed = parseYaml(current, limits);
  for (let i = 0; i < edits; i++) {
    const next = parsed.diagnostics.length > 0 && rnd() < 0.8 ? good : randomEdit(current, rnd);
    const full = parseYaml(next, limits);
    // The incremental parse updates `parsed` in place: compare against the full parse of the same text.
    const before = current;
    const inc = reparseIncremental(parsed, next, limits);
    counts.edits++;
    if (inc) {
      counts.incremental++;
      const where = `${file} seed ${seed} edit ${i}, from ${JSON.stringify(around(before, next))}`;
      assert.deepEqual(shape(inc), shape(full), `${where}: nodes differ`);
      assert.deepEqual(values(inc), values(full), `${where}: values differ`);
      assert.deepEqual(inc.diagnostics, full.diagnostics, `${where}: parse diagnostics differ`);
      if (counts.incremental % lintEvery === 0) assert.deepEqual(lintText(next, { path: file, parsed: inc }), lintText(next, { path: file }), `${where}: lint diagnostics differ`);
      parsed = inc;
    } else {
      counts.fallbacks.set(lastFallback ?? '?', (counts.fallbacks.get(lastFallback ?? '?') ?? 0) + 1);
      parsed = full;
    }
    current = next;
    if (full.diagnostics.length === 0) good = next;
  }
}

/** The two texts around where they differ (for a failure message). */
function around(a: string, b: string): { before: string; after: string } {
  let p = 0;
  while (p < a.length && p < b.length && a[p] === b[p]) p++;
  let s = 0;
  while (s < a.length - p && s < b.length - p && a[a.length - 1 - s] === b[b.length - 1 - s]) s++;
  return { before: a.slice(Math.max(0, p - 200), a.length - s + 200), after: b.slice(Math.max(0, p - 200), b.length - s + 200) };
}

function files(): { file: string; text: string }[] {
  const out: { file: string; text: string }[] = [];
  const ex = path.join(ROOT, 'examples', 'workspace');
  for (const dir of ['pipelines', 'experiments', 'configs', 'frameworks']) {
    for (const name of fs.readdirSync(path.join(ex, dir)).sort()) {
      if (/\.ya?ml$/.test(name)) out.push({ file: path.join(ex, dir, name), text: fs.readFileSync(path.join(ex, dir, name), 'utf8') });
    }
  }
  return out;
}

test('random edits on the example pipelines, experiments, training and framework configs: incremental = full parse', () => {
  const counts: Counts = { edits: 0, incremental: 0, fallbacks: new Map() };
  let seed = 1;
  for (const { file, text } of files()) fuzz(file, text, seed++, 40, counts);
  assert.ok(counts.incremental > counts.edits * 0.15, `only ${counts.incremental} of ${counts.edits} edits were incremental: ${JSON.stringify([...counts.fallbacks])}`);
});

test('random edits on generated 300- and 1,000-line pipelines (the bench file): incremental = full parse', () => {
  const counts: Counts = { edits: 0, incremental: 0, fallbacks: new Map() };
  for (let seed = 100; seed < 102; seed++) fuzz('/work/bench.pipeline.yaml', benchPipeline(300), seed, 60, counts, 4);
  fuzz('/work/bench.pipeline.yaml', benchPipeline(1000), 103, 20, counts, 10);
  assert.ok(counts.incremental > counts.edits * 0.15, `only ${counts.incremental} of ${counts.edits} edits were incremental: ${JSON.stringify([...counts.fallbacks])}`);
});

test('real third-party configs under ../shared: incremental = full parse', (t) => {
  const real = path.resolve(ROOT, '..', 'shared', 'fixtures', 'real');
  if (!fs.existsSync(real)) {
    t.skip('../shared/fixtures/real is absent (a clone without the shared fixtures)');
    return;
  }
  const counts: Counts = { edits: 0, incremental: 0, fallbacks: new Map() };
  let seed = 500;
  for (const dir of ['configs', 'pipelines']) {
    for (const name of fs.readdirSync(path.join(real, dir)).sort()) {
      if (!/\.ya?ml$/.test(name)) continue;
      const file = path.join(real, dir, name);
      fuzz(file, fs.readFileSync(file, 'utf8'), seed++, 30, counts);
    }
  }
  assert.ok(counts.edits > 0);
});

test('edits it cannot vouch for fall back, leaving the previous parse untouched', () => {
  const text = benchPipeline(60);
  const cases: [string, string][] = [
    ['anchors or aliases near the edit', text.replace('retries: 1', 'retries: &r 1')],
    ['document markers or directives in the edit', text.replace('    timeout: 30m\n  - id: s2', '    timeout: 30m\n---\n  - id: s2')],
  ];
  for (const [why, next] of cases) {
    const prev = parseYaml(text);
    const before = shape(prev);
    assert.equal(reparseIncremental(prev, next, DEFAULT_PARSE_LIMITS), undefined, why);
    assert.equal(lastFallback, why);
    assert.deepEqual(shape(prev), before, `${why}: the previous parse was changed`);
  }
  // A broken previous parse is never reused.
  const broken = parseYaml(text.replace('retries: 1', 'retries: [1'));
  assert.equal(reparseIncremental(broken, text, DEFAULT_PARSE_LIMITS), undefined);
});
