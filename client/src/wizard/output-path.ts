/**
 * Where the training wizard may write: the form's workspace-relative path, resolved inside the
 * workspace folder. Refused: an absolute path, one that leaves the folder (`..`), one whose nearest
 * existing folder is a symlink out of it, and a name that is not `.yaml` / `.yml`. No vscode import.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

function inside(p: string, root: string): boolean {
  return p === root || p.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
}

function real(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return p;
  }
}

/** The absolute file to write, or why not (a sentence fragment). */
export function resolveOutputPath(folder: string, output: string): { file: string } | { refused: string } {
  const rel = output.trim();
  if (!rel) return { refused: 'no file name given' };
  if (path.isAbsolute(rel) || /^[A-Za-z]:[\\/]/.test(rel)) return { refused: `"${rel}" is not relative to the workspace folder` };
  if (!/\.ya?ml$/i.test(rel)) return { refused: `"${rel}" is not a .yaml or .yml file` };
  const root = path.resolve(folder);
  const file = path.resolve(root, rel);
  if (!inside(file, root) || file === root) return { refused: `"${rel}" is outside the workspace folder` };
  // The nearest existing folder, through its symlinks, must still be inside the (real) workspace folder.
  let parent = path.dirname(file);
  while (!fs.existsSync(parent) && parent !== path.dirname(parent)) parent = path.dirname(parent);
  if (!inside(real(parent), real(root))) return { refused: `"${rel}" is outside the workspace folder (through a symlink)` };
  return { file };
}
