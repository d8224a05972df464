/**
 * The `.rlhf-lens.yaml` of each workspace folder (kind map, hardware, rule severities), loaded on first
 * use and forgotten when the file changes. Created once in server.ts and put on the server context, so
 * every handler (diagnostics, hover, the parse cache, the overview) reads the same settings and none
 * depends on another having filled in a hook first.
 */
import * as path from 'node:path';
import type { KindMap } from '../config/kind';
import type { HardwareProfile } from '../config/project';
import { loadRuleSettings, type RuleSettings } from './rule-settings';

export class ProjectSettings {
  /** workspace folder -> its `.rlhf-lens.yaml`, loaded on first use. */
  private readonly byFolder = new Map<string, RuleSettings>();

  /** `folders`: the current workspace folders; `warn`: where problems in a settings file are said. */
  constructor(
    private readonly folders: () => readonly string[],
    private readonly warn: (message: string) => void,
  ) {}

  /** The settings of the innermost workspace folder holding `filePath` (undefined outside every folder). */
  for(filePath: string): RuleSettings | undefined {
    const folder = this.folders()
      .filter((f) => filePath === f || filePath.startsWith(f.endsWith(path.sep) ? f : f + path.sep))
      .sort((a, b) => b.length - a.length)[0];
    if (folder === undefined) return undefined;
    let s = this.byFolder.get(folder);
    if (!s) {
      s = loadRuleSettings(folder);
      for (const p of s.problems) this.warn(`rlhf-lens: ${p}`);
      this.byFolder.set(folder, s);
    }
    return s;
  }

  /** The `files:` kind map that applies to a file. */
  kindMapFor(filePath: string): KindMap | undefined {
    return this.for(filePath)?.kindMap;
  }

  /** The `hardware:` profile that applies to a file. */
  hardwareFor(filePath: string): HardwareProfile | undefined {
    return this.for(filePath)?.hardware;
  }

  /** Forgets a folder's settings (its `.rlhf-lens.yaml` changed); the next use reloads them. */
  forget(folder: string): void {
    this.byFolder.delete(folder);
  }
}
