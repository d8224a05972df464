/**
 * Every editor service at every position of real, example, hostile and randomly mutated files: no
 * exception, and every span it returns lies inside the text. (The services are what the handlers
 * call; the protocol tests cover the wiring.)
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT } from './support/lsp';
import { mulberry32 } from './support/prng';
import { completionsAt } from '../server/src/config/completion';
import { hoverAt } from '../server/src/config/hover';
import { occurrences, planRename, referencedFileAt } from '../server/src/config/navigation';
import { documentSymbols, flatSymbols, type OutlineNode } from '../server/src/config/symbols';
import { foldingRanges } from '../server/src/config/folding';
import { codeLenses } from '../server/src/config/code-lens';
import { removeDuplicateKey } from '../server/src/config/code-actions';
import { readConfigFile, type Span } from '../server/src/config/yaml-path';
import { TEMPLATES } from '../server/src/config/templates';

function filesBelow(dir: string, re: RegExp): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...filesBelow(p, re));
    else if (re.test(e.name)) out.push(p);
  }
  return out;
}

function checkSpan(s: Span, text: string, what: string): void {
  assert.ok(Number.isInteger(s.start) && Number.isInteger(s.end) && 0 <= s.start && s.start <= s.end && s.end <= text.length, `${what}: bad span ${JSON.stringify(s)}`);
}

function sweep(name: string, text: string, filePath: string, positions: number): void {
  const file = readConfigFile(text, filePath);
  const step = Math.max(1, Math.floor(text.length / positions));
  const occ = occurrences(file);
  for (const o of occ) checkSpan(o.span, text, `${name} occurrence`);
  const walk = (nodes: OutlineNode[]): void => nodes.forEach((n) => (checkSpan(n.range, text, name), checkSpan(n.selection, text, name), walk(n.children)));
  walk(documentSymbols(file));
  flatSymbols(file).forEach((s) => checkSpan(s.selection, text, name));
  for (const f of foldingRanges(file)) assert.ok(f.startLine < f.endLine, name);
  codeLenses(file).forEach((l) => checkSpan(l.span, text, name));
  for (let at = 0; at <= text.length; at += step) {
    for (const c of completionsAt(text, at, { filePath, listFiles: () => ['data/a.jsonl', 'x.training.yaml'] }, file)) checkSpan(c.replace, text, `${name} completion at ${at}`);
    const h = hoverAt(text, at, filePath, undefined, file);
    if (h) checkSpan(h.range, text, `${name} hover at ${at}`);
    const plan = planRename(occ, at, 'renamed');
    if ('spans' in plan) plan.spans.forEach((s) => checkSpan(s, text, name));
    const ref = referencedFileAt(file, at, filePath);
    if (ref) checkSpan(ref.span, text, name);
    removeDuplicateKey(text, at);
  }
}

function mutate(text: string, rnd: () => number): string {
  const lines = text.split('\n');
  const i = Math.floor(rnd() * lines.length);
  switch (Math.floor(rnd() * 6)) {
    case 0:
      return text.slice(0, Math.floor(rnd() * text.length));
    case 1:
      lines.splice(i, 1);
      break;
    case 2:
      lines.splice(i, 0, lines[Math.floor(rnd() * lines.length)]!);
      break;
    case 3:
      lines[i] = ' '.repeat(Math.floor(rnd() * 6)) + lines[i]!.trimStart();
      break;
    case 4: {
      const at = Math.floor(rnd() * text.length);
      return text.slice(0, at) + '[{:-"\'#&*!|>${{}}'.charAt(Math.floor(rnd() * 17)) + text.slice(at);
    }
    default:
      lines[i] = lines[i]!.slice(0, Math.floor(rnd() * lines[i]!.length));
  }
  return lines.join('\n');
}

test('example workspace and hostile files', () => {
  const files = [...filesBelow(path.join(ROOT, 'examples', 'workspace'), /\.ya?ml$/), ...filesBelow(path.join(ROOT, 'test', 'hostile'), /\.ya?ml$/)];
  assert.ok(files.length > 0);
  for (const f of files) sweep(path.basename(f), fs.readFileSync(f, 'utf8'), f, 60);
});

test('real third-party configs read as RLHF Lens files', (t) => {
  const dir = path.resolve(ROOT, '..', 'shared', 'fixtures', 'real');
  if (!fs.existsSync(dir)) return t.skip(`no ${dir}`);
  const files = filesBelow(dir, /\.ya?ml$/).filter((f) => fs.statSync(f).size < 64 * 1024);
  for (const f of files) sweep(path.basename(f), fs.readFileSync(f, 'utf8'), '/work/x.training.yaml', 40);
});

test('seeded mutations of the templates', () => {
  const rnd = mulberry32(7);
  for (let k = 0; k < 30; k++) {
    const [kind, base] = Object.entries(TEMPLATES)[k % 3]!;
    let text = base;
    for (let m = 0; m < 1 + Math.floor(rnd() * 4); m++) text = mutate(text, rnd);
    sweep(`mutant ${k}`, text, `/work/m.${kind}.yaml`, 30);
  }
});
