/**
 * Every rule RLHF Lens runs, in one plain list. To add a rule: write rules/<group>/<name>.ts,
 * import it here, add it to RULES, and write docs/rules/<group>/<name>.md.
 */
import type { Rule } from './rule';
import { apiVersionRule } from './meta/api-version';
import { kindRule } from './meta/kind';

export const RULES: readonly Rule[] = [
  apiVersionRule,
  kindRule,
];
