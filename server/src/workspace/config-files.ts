/**
 * Which config files `rlhf-lens lint` and Validate Workspace check: explicit files as given; folders
 * searched recursively for config files; glob patterns matched under their fixed prefix. `.gitignore`
 * files (in the folders searched and their ancestors up to the repository root) are respected, except
 * for explicit files.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import picomatch from 'picomatch';
import { isConfigFile, mayBeConfigFile, type KindMap } from '../config/kind';

const ALWAYS_SKIPPED = new Set(['node_modules', '.git']);

interface IgnoreScope {
  dir: string;
  rules: Ignore;
}

function readGitignore(dir: string): IgnoreScope | undefined {
  const file = path.join(dir, '.gitignore');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  return { dir, rules: ignore().add(text) };
}

/** .gitignore scopes of the ancestors of `dir`, up to (and including) the folder holding `.git`. */
function ancestorScopes(dir: string): IgnoreScope[] {
  const scopes: IgnoreScope[] = [];
  let cur = path.dirname(dir);
  for (;;) {
    const s = readGitignore(cur);
    if (s) scopes.unshift(s);
    if (fs.existsSync(path.join(cur, '.git')) || path.dirname(cur) === cur) break;
    cur = path.dirname(cur);
  }
  return scopes;
}

function isIgnored(abs: string, isDir: boolean, scopes: readonly IgnoreScope[]): boolean {
  for (const s of scopes) {
    const rel = path.relative(s.dir, abs).split(path.sep).join('/');
    if (!rel || rel.startsWith('..')) continue;
    if (s.rules.ignores(isDir ? rel + '/' : rel)) return true;
  }
  return false;
}

function isGlob(target: string): boolean {
  return /[*?[\]{}]/.test(target);
}

/** Walks `dirAbs`, calling `visit` for each file not ignored (display path, absolute path). */
function walk(dirAbs: string, display: string, scopes: IgnoreScope[], visit: (display: string, abs: string) => void): void {
  const own = readGitignore(dirAbs);
  const here = own ? [...scopes, own] : scopes;
  const entries = fs.readdirSync(dirAbs, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
  for (const e of entries) {
    const abs = path.join(dirAbs, e.name);
    const shown = display === '.' ? e.name : path.join(display, e.name);
    if (e.isDirectory()) {
      if (ALWAYS_SKIPPED.has(e.name) || e.name.startsWith('.') || isIgnored(abs, true, here)) continue;
      walk(abs, shown, here, visit);
    } else if (e.isFile() && !isIgnored(abs, false, here)) visit(shown, abs);
  }
}

function isConfigOnDisk(abs: string, kindMap: KindMap | undefined): boolean {
  if (!mayBeConfigFile(abs)) return false;
  try {
    const fd = fs.openSync(abs, 'r');
    try {
      const buf = Buffer.alloc(64 * 1024);
      const n = fs.readSync(fd, buf, 0, buf.length, 0);
      return isConfigFile(abs, buf.subarray(0, n).toString('utf8'), kindMap);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return false;
  }
}

/**
 * The files to check, as display paths (relative to `cwd` unless given absolute), in a stable order.
 * Throws (ENOENT) when an explicit path does not exist.
 */
export function lintTargets(targets: readonly string[], cwd: string, kindMap?: KindMap): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const add = (display: string, abs: string): void => {
    if (!seen.has(abs)) {
      seen.add(abs);
      out.push(display);
    }
  };
  for (const target of targets) {
    if (isGlob(target)) {
      const parts = target.split(/[\\/]/);
      const fixed: string[] = [];
      while (parts.length > 1 && !isGlob(parts[0]!)) fixed.push(parts.shift()!);
      const base = fixed.length ? fixed.join('/') : '.';
      const baseAbs = path.resolve(cwd, base === '' ? '/' : base);
      const match = picomatch(parts.join('/'), { dot: false });
      if (!fs.existsSync(baseAbs)) continue;
      walk(baseAbs, base, ancestorScopes(baseAbs), (display, abs) => {
        const rel = path.relative(baseAbs, abs).split(path.sep).join('/');
        if (match(rel) && (/\.ya?ml$/i.test(abs) || isConfigOnDisk(abs, kindMap))) add(display, abs);
      });
      continue;
    }
    const abs = path.resolve(cwd, target);
    const st = fs.statSync(abs);
    if (st.isDirectory()) {
      walk(abs, target, ancestorScopes(abs), (display, fileAbs) => {
        if (isConfigOnDisk(fileAbs, kindMap)) add(display, fileAbs);
      });
    } else add(target, abs);
  }
  return out;
}

/** Every file under `root` that `.gitignore` (and node_modules, .git, dot folders) does not hide, as absolute paths in a stable order. */
export function workspaceFiles(root: string, accept: (abs: string) => boolean, limit = 10_000): string[] {
  const out: string[] = [];
  if (!fs.existsSync(root)) return out;
  walk(root, '.', ancestorScopes(root), (_display, abs) => {
    if (out.length < limit && accept(abs)) out.push(abs);
  });
  return out;
}
