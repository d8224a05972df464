/**
 * Which files a webview may ask the editor to open: only files inside the workspace folders.
 * A path from a view is untrusted input; `..` segments, other drives and NUL bytes are refused.
 * Pure (no vscode import) so it is tested directly.
 */
import * as path from 'node:path';

/** The absolute path of `requested` if it lies inside one of `roots`, else null. Relative paths are taken against the first root. */
export function resolveInWorkspace(requested: string, roots: readonly string[]): string | null {
  if (roots.length === 0 || requested.length === 0 || requested.includes('\0')) return null;
  const absolute = path.resolve(roots[0]!, requested);
  for (const root of roots) {
    const rel = path.relative(path.resolve(root), absolute);
    if (rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel))) return absolute;
  }
  return null;
}
