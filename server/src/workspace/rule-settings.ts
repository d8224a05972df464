/**
 * Project settings from `.rlhf-lens.yaml` at the workspace root:
 *
 *   rules:                       # per-rule severities
 *     pipeline/phase-order: error
 *     training/learning-rate: off
 *   files:                       # glob (relative to this folder) -> kind, for files detection cannot settle
 *     "recipes/**\/*.yaml": trl
 *     "ci/**": off
 *   hardware: {gpus: 8, gpu_memory: 80GB, gpu: A100}   # what framework configs run on
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { SEVERITY_SETTINGS, type SeveritySetting } from '../config/lint';
import { KIND_NAME_CHOICES, kindFromName, type KindMap, type KindMapEntry } from '../config/kind';
import type { HardwareProfile } from '../config/project';
import { parseHardware } from '../config/frameworks/hardware';
import { parseConnections, type ConnectionConfig } from '../connections/config';

export const SETTINGS_FILE = '.rlhf-lens.yaml';

export interface RuleSettings {
  severities: Record<string, SeveritySetting>;
  /** The `files:` glob -> kind map, relative to the folder of the settings file. */
  kindMap?: KindMap;
  /** The declared `hardware:` (for framework configs, which have no field for it). */
  hardware?: HardwareProfile;
  /** Problems with the file, for the log or stderr; a bad entry is skipped, never fatal. */
  problems: string[];
  /** `connections:` (connections/config.ts): databases analyses may read; credentials never in the file. */
  connections?: Record<string, ConnectionConfig>;
}

export function parseRuleSettings(text: string, source: string, root: string = path.dirname(source)): RuleSettings {
  const severities: Record<string, SeveritySetting> = {};
  const problems: string[] = [];
  let value: unknown;
  try {
    value = parse(text);
  } catch (err) {
    return { severities, problems: [`${source}: not valid YAML (${(err as Error).message.split('\n')[0]}); ignored.`] };
  }
  if (value === null || value === undefined) return { severities, problems };
  const out: RuleSettings = { severities, problems };
  const files = (value as { files?: unknown }).files;
  if (files !== undefined && files !== null) {
    if (typeof files !== 'object' || Array.isArray(files)) problems.push(`${source}: "files" must be a mapping of glob to kind; ignored.`);
    else {
      const entries: KindMapEntry[] = [];
      for (const [glob, name] of Object.entries(files as Record<string, unknown>)) {
        const kind = typeof name === 'string' ? kindFromName(name) : undefined;
        if (kind === undefined) problems.push(`${source}: files "${glob}" has kind ${JSON.stringify(name)}; use ${KIND_NAME_CHOICES.join(', ')}.`);
        else entries.push({ glob, kind });
      }
      out.kindMap = { root, entries };
    }
  }
  const hw = (value as { hardware?: unknown }).hardware;
  if (hw !== undefined && hw !== null) {
    const parsed = parseHardware(hw, `${path.basename(source)} hardware`);
    problems.push(...parsed.problems.map((p) => `${source}: ${p}`));
    if (parsed.hardware) out.hardware = parsed.hardware;
  }
  const conns = parseConnections((value as { connections?: unknown }).connections, source);
  problems.push(...conns.problems);
  if (Object.keys(conns.connections).length) out.connections = conns.connections;
  const rules = (value as { rules?: unknown }).rules;
  if (rules === undefined) return out;
  if (!rules || typeof rules !== 'object' || Array.isArray(rules)) {
    problems.push(`${source}: "rules" must be a mapping of rule id to severity; ignored.`);
    return out;
  }
  for (const [id, sev] of Object.entries(rules as Record<string, unknown>)) {
    if (typeof sev === 'string' && (SEVERITY_SETTINGS as readonly string[]).includes(sev)) severities[id] = sev as SeveritySetting;
    else problems.push(`${source}: rule "${id}" has severity ${JSON.stringify(sev)}; use ${SEVERITY_SETTINGS.join(', ')}.`);
  }
  return out;
}

/** Reads `.rlhf-lens.yaml` in `root`; no file means no overrides. */
export function loadRuleSettings(root: string): RuleSettings {
  const file = path.join(root, SETTINGS_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return { severities: {}, problems: [] };
  }
  return parseRuleSettings(text, file, root);
}
