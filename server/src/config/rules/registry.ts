/**
 * Every rule RLHF Lens runs, in one plain list. To add a rule: write rules/<group>/<name>.ts,
 * import it here, add it to RULES, and write docs/rules/<group>/<name>.md.
 */
import type { Rule } from './rule';
import { apiVersionRule } from './meta/api-version';
import { kindRule } from './meta/kind';
import { duplicateStageRule } from './pipeline/duplicate-stage';
import { unknownNeedRule } from './pipeline/unknown-need';
import { cycleRule } from './pipeline/cycle';
import { missingNeedRule } from './pipeline/missing-need';
import { phaseOrderRule } from './pipeline/phase-order';
import { wrongKindRule } from './pipeline/wrong-kind';
import { invalidCronRule } from './pipeline/invalid-cron';
import { fileNotFoundRule } from './ref/file-not-found';
import { exprSyntaxRule } from './expr/syntax';
import { unknownParamRule } from './expr/unknown-param';
import { unknownStageRule } from './expr/unknown-stage';
import { unknownOutputRule } from './expr/unknown-output';
import { unknownAnalysisRule } from './check/unknown-analysis';
import { unknownMetricRule } from './check/unknown-metric';

export const RULES: readonly Rule[] = [
  apiVersionRule,
  kindRule,
  duplicateStageRule,
  unknownNeedRule,
  cycleRule,
  missingNeedRule,
  phaseOrderRule,
  wrongKindRule,
  invalidCronRule,
  fileNotFoundRule,
  exprSyntaxRule,
  unknownParamRule,
  unknownStageRule,
  unknownOutputRule,
  unknownAnalysisRule,
  unknownMetricRule,
];
