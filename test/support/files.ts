import * as fs from 'node:fs';
import * as path from 'node:path';

/** Every .yaml / .yml file under `dir`, at any depth; none where `dir` does not exist. */
export function yamlFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? yamlFiles(p) : /\.ya?ml$/.test(e.name) ? [p] : [];
  });
}
