/** Reads an Experiment file into its typed model (config/experiment-model.ts): one read per run, with the parse limits. */
import * as fs from 'node:fs';
import { parseYaml } from '../config/parse';
import { experimentPlan, ExperimentError, type ExperimentPlan } from '../config/experiment-model';
import { IngestError } from '../ingest/rows';

export type { ExperimentPlan, AbMetricColumn } from '../config/experiment-model';

export function readExperiment(file: string): ExperimentPlan {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new IngestError(file, (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such Experiment file' : (err as Error).message);
  }
  const parsed = parseYaml(text);
  const syntax = parsed.diagnostics.find((d) => d.severity === 'error');
  if (syntax) throw new IngestError(file, `line ${syntax.range.start.line + 1}: ${syntax.message}`);
  try {
    return experimentPlan(parsed.documents[0]?.value, file);
  } catch (err) {
    if (err instanceof ExperimentError) throw new IngestError(file, err.message);
    throw err;
  }
}
