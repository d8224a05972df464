/**
 * Per-rule severities from `.rlhf-lens.yaml` at the workspace root:
 *
 *   rules:
 *     pipeline/phase-order: error
 *     training/learning-rate: off
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { SEVERITY_SETTINGS, type SeveritySetting } from '../config/lint';

export const SETTINGS_FILE = '.rlhf-lens.yaml';

export interface RuleSettings {
  severities: Record<string, SeveritySetting>;
  /** Problems with the file, for the log or stderr; a bad entry is skipped, never fatal. */
  problems: string[];
}

export function parseRuleSettings(text: string, source: string): RuleSettings {
  const severities: Record<string, SeveritySetting> = {};
  const problems: string[] = [];
  let value: unknown;
  try {
    value = parse(text);
  } catch (err) {
    return { severities, problems: [`${source}: not valid YAML (${(err as Error).message.split('\n')[0]}); ignored.`] };
  }
  if (value === null || value === undefined) return { severities, problems };
  const rules = (value as { rules?: unknown }).rules;
  if (rules === undefined) return { severities, problems };
  if (!rules || typeof rules !== 'object' || Array.isArray(rules)) {
    return { severities, problems: [`${source}: "rules" must be a mapping of rule id to severity; ignored.`] };
  }
  for (const [id, sev] of Object.entries(rules as Record<string, unknown>)) {
    if (typeof sev === 'string' && (SEVERITY_SETTINGS as readonly string[]).includes(sev)) severities[id] = sev as SeveritySetting;
    else problems.push(`${source}: rule "${id}" has severity ${JSON.stringify(sev)}; use ${SEVERITY_SETTINGS.join(', ')}.`);
  }
  return { severities, problems };
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
  return parseRuleSettings(text, file);
}
