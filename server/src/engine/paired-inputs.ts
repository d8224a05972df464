/**
 * One eval file as the paired comparison reads it (analysis/paired.ts): key -> metric value, with
 * rows lacking either skipped with a reason. The metric is a number, or a boolean / true-false
 * string (1 / 0). A key twice in one file is refused: which row pairs with the other file would be
 * a guess.
 */
import type { DataSource } from '../ingest/read';
import { IngestError } from '../ingest/rows';
import { describe, finiteNumber, flag, key } from '../ingest/fields';

export async function loadPairedValues(source: DataSource, keyColumn: string, metric: string): Promise<Map<string, number>> {
  const values = new Map<string, number>();
  const lines = new Map<string, number>();
  for await (const row of source.rows) {
    const v = row.value;
    const k = key(v[keyColumn]);
    if (k === undefined) {
      source.skipped.add(row.line, describe(keyColumn, v[keyColumn], 'a key'));
      continue;
    }
    const raw = v[metric];
    const x = typeof raw === 'boolean' ? Number(raw) : (finiteNumber(raw) ?? (typeof raw === 'string' ? flag(raw) : undefined));
    if (x === undefined) {
      source.skipped.add(row.line, describe(metric, raw, 'a number or true/false'));
      continue;
    }
    const seen = lines.get(k);
    if (seen !== undefined) {
      throw new IngestError(source.file, `line ${row.line}: ${keyColumn} ${JSON.stringify(k)} appears again (first at line ${seen}); pairing needs one row per key (aggregate repeated judgements per key first, or pair on another --key)`);
    }
    lines.set(k, row.line);
    values.set(k, x);
  }
  if (values.size === 0) {
    throw new IngestError(source.file, `no rows with both "${keyColumn}" and "${metric}": ${source.rowsRead} read, ${source.skipped.count} skipped${source.skipped.firstExample()}`);
  }
  return values;
}
