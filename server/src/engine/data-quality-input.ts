/**
 * Rows -> the data-quality analysis's input: the profile of the data file and, with `against`,
 * of the eval file (prompts only). A row that is not an object, or that comes before any row of a
 * known shape and fits none, is skipped with a reason.
 */
import type { DataSource } from '../ingest/read';
import { IngestError } from '../ingest/rows';
import { DataQualityProfiler, type DataQualityProfile } from '../analysis/data-quality-profile';
import type { DataQualityInput } from '../analysis/data-quality';

export const DATA_QUALITY_NEEDS =
  'data-quality needs rows of one of the shapes {prompt, chosen, rejected}, {chosen_messages, rejected_messages}, {prompt, completion, label}, {messages} or {conversations}, {prompt, completion}, {prompt}, {item_id, annotator, label} (map columns with --column role=column)';

async function profile(source: DataSource, mode: 'full' | 'prompts'): Promise<DataQualityProfile> {
  const p = new DataQualityProfiler({ mode });
  for await (const row of source.rows) {
    if (!p.add(row.line, row.value)) source.skipped.add(row.line, `fits none of the data-quality shapes (columns: ${Object.keys(row.value).slice(0, 8).join(', ') || 'none'})`);
  }
  const out = p.finish();
  if (!out) {
    throw new IngestError(source.file, `no usable rows: ${source.rowsRead} read, ${source.skipped.count} skipped${source.skipped.firstExample()}; ${DATA_QUALITY_NEEDS}`);
  }
  return out;
}

export async function loadDataQuality(data: DataSource, against?: DataSource): Promise<DataQualityInput> {
  const d = await profile(data, 'full');
  const skipped = { count: data.skipped.count, lines: data.skipped.first.map((s) => s.line) };
  if (!against) return { data: d, skipped };
  return { data: d, against: await profile(against, 'prompts'), skipped };
}
