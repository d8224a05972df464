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
import { checkUnknownConnectionRule } from './check/unknown-connection';
import { trafficSumRule } from './experiment/traffic-sum';
import { duplicateVariantRule } from './experiment/duplicate-variant';
import { controlRule } from './experiment/control';
import { scheduleOrderRule } from './experiment/schedule-order';
import { underpoweredRule } from './experiment/underpowered';
import { unknownColumnRule } from './experiment/unknown-column';
import { unknownConnectionRule } from './experiment/unknown-connection';
import { methodRequirementsRule } from './training/method-requirements';
import { quantizationWithoutLoraRule } from './training/quantization-without-lora';
import { datasetFormatRule } from './training/dataset-format';
import { memoryEstimateRule } from './training/memory-estimate';
import { learningRateRule } from './training/learning-rate';
import { unknownKeyRule } from './framework/unknown-key';
import { typeRule as frameworkTypeRule } from './framework/type';
import { enumRule as frameworkEnumRule } from './framework/enum';
import { deprecatedRule as frameworkDeprecatedRule } from './framework/deprecated';
import { frameworkMemoryRule } from './framework/memory';
import { quantizedAdapterRule } from './framework/quantized-adapter';
import { deepspeedZero3Rule } from './framework/deepspeed-zero3';
import { preferenceDataRule } from './framework/preference-data';
import { samplePackingRule } from './framework/sample-packing';
import { grpoGenerationsRule } from './framework/grpo-generations';
import { loraTargetsRule } from './framework/lora-targets';
import { gpuFeaturesRule } from './framework/gpu-features';
import { betaRangeRule } from './framework/beta-range';
import { frameworkLearningRateRule } from './framework/learning-rate';
import { templateRule } from './framework/template';

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
  checkUnknownConnectionRule,
  trafficSumRule,
  duplicateVariantRule,
  controlRule,
  scheduleOrderRule,
  underpoweredRule,
  unknownColumnRule,
  unknownConnectionRule,
  methodRequirementsRule,
  quantizationWithoutLoraRule,
  datasetFormatRule,
  memoryEstimateRule,
  learningRateRule,
  // Framework configs (axolotl, LLaMA-Factory, TRL, DeepSpeed): docs/frameworks.md
  unknownKeyRule,
  frameworkTypeRule,
  frameworkEnumRule,
  frameworkDeprecatedRule,
  frameworkMemoryRule,
  quantizedAdapterRule,
  deepspeedZero3Rule,
  preferenceDataRule,
  samplePackingRule,
  grpoGenerationsRule,
  loraTargetsRule,
  gpuFeaturesRule,
  betaRangeRule,
  frameworkLearningRateRule,
  templateRule,
];
