// The validators scripts/gen-validators.mjs generates (Ajv standalone code), one per native kind.
import type { ValidateFunction } from 'ajv';

export const Pipeline: ValidateFunction;
export const Experiment: ValidateFunction;
export const TrainingConfig: ValidateFunction;
