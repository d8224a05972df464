/**
 * `rlhfLens/trainingPlan`: the training wizard's live numbers (config/training-wizard.ts, the hover's
 * estimators) for a form, the picked dataset as the readers see it, and, when asked, the YAML to
 * write. Data files are read only inside the workspace folders.
 */
import * as path from 'node:path';
import type { ServerContext } from '../server-context';
import * as fs from 'node:fs';
import { HardwareSettingsParams, Methods, type HardwareSettingsResult } from '../protocol/lsp';
import { withHardware } from '../config/project-hardware';
import { TrainingPlanParams, type TrainingPlanResult } from '../protocol/wizard';
import { formText, planFromForm, unsupported } from '../config/training-wizard';
import { describeDataFile } from '../workspace/data-files';
import { toResponseError } from './analyze';

/** The `dataset.format` each method needs (as training/method-requirements checks). */
const NEEDS: Record<string, string[]> = { dpo: ['preference'], orpo: ['preference'], reward_model: ['preference'], kto: ['unpaired', 'preference'], sft: ['chat', 'instruction', 'text'] };

export function registerWizard(ctx: ServerContext): void {
  ctx.connection.onRequest(Methods.hardwareSettings, (raw: unknown): HardwareSettingsResult => {
    let params: HardwareSettingsParams;
    try {
      params = HardwareSettingsParams(raw);
    } catch (err) {
      throw toResponseError(err);
    }
    const folder = path.resolve(params.folder);
    if (!ctx.workspaceFolders.includes(folder)) throw toResponseError(new Error(`${params.folder} is not a workspace folder`));
    const file = path.join(folder, '.rlhf-lens.yaml');
    let existing: string | undefined;
    try {
      existing = fs.readFileSync(file, 'utf8');
    } catch {
      existing = undefined;
    }
    try {
      return { file, text: withHardware(existing, params.hardware) };
    } catch (err) {
      throw toResponseError(new Error(`not changing ${file}: ${(err as Error).message}`));
    }
  });

  const inWorkspace = (abs: string): boolean => ctx.workspaceFolders.some((f) => abs.startsWith(f.endsWith(path.sep) ? f : f + path.sep));
  ctx.connection.onRequest(Methods.trainingPlan, async (raw: unknown): Promise<TrainingPlanResult> => {
    let params: TrainingPlanParams;
    try {
      params = TrainingPlanParams(raw);
    } catch (err) {
      throw toResponseError(err);
    }
    const form = { ...params.form };
    const out: Partial<TrainingPlanResult> = {};
    if (form.dataset) {
      const abs = path.resolve(form.dataset);
      if (!inWorkspace(abs)) throw toResponseError(new Error(`${form.dataset} is not inside the workspace folders`));
      const info = await describeDataFile(abs);
      out.dataset = info;
      const format = info.shape.trainingFormat;
      if (info.error) out.datasetProblem = `cannot read it: ${info.error}`;
      else if (form.method === 'grpo') {
        // GRPO generates its own completions: it needs prompts, whatever else the rows hold.
        if (format) form.datasetFormat = format;
        if (!info.columns.includes('prompt')) out.datasetProblem = `grpo needs a prompt column; this file has ${info.shape.label}`;
      }
      else if (!format) out.datasetProblem = `its rows (${info.shape.label}) are no training format: ${form.method} needs ${(NEEDS[form.method] ?? []).join(' or ') || 'a known format'}`;
      else {
        form.datasetFormat = format;
        const needs = NEEDS[form.method];
        if (needs && !needs.includes(format)) out.datasetProblem = `${form.method} needs ${needs.join(' or ')} rows; this file has ${info.shape.label}`;
      }
    }
    const plan = planFromForm(form, out.dataset?.rows ?? undefined);
    const result: TrainingPlanResult = { plan, ...out };
    if (params.configFile && !unsupported(form)) result.text = formText(form, params.configFile, out.dataset?.columns);
    return result;
  });
}
