/**
 * Parses the head of a data file (JSONL, CSV, TSV or a JSON array) into a sample of rows.
 * Pure: the caller reads the bytes; `complete` says whether they are the whole file.
 */
import { parse as parseCsv } from 'csv-parse/sync';
import type { DataFileSample } from '../config/workspace-facts';

/** Rows kept in a sample. */
export const SAMPLE_ROWS = 200;

function objectRows(values: unknown[]): Record<string, unknown>[] {
  return values.filter((v): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v));
}

function sampleOf(rows: Record<string, unknown>[], total: number | undefined): DataFileSample {
  const kept = rows.slice(0, SAMPLE_ROWS);
  const columns = new Set<string>();
  for (const r of kept) for (const k of Object.keys(r)) columns.add(k);
  return total === undefined ? { columns: [...columns], rows: kept } : { columns: [...columns], rows: kept, rowCount: total };
}

/** Complete top-level elements of a JSON array whose text may be cut off. */
function jsonArrayElements(text: string): unknown[] {
  const out: unknown[] = [];
  const open = text.indexOf('[');
  if (open < 0) return out;
  let depth = 0;
  let inString = false;
  let start = -1;
  for (let i = open + 1; i < text.length && out.length < SAMPLE_ROWS; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{' || c === '[') {
      if (depth === 0) start = i;
      depth++;
    } else if (c === '}' || c === ']') {
      if (depth === 0) break; // the end of the outer array
      depth--;
      if (depth === 0 && start >= 0) {
        try {
          out.push(JSON.parse(text.slice(start, i + 1)));
        } catch {
          /* a malformed element is not part of the sample */
        }
        start = -1;
      }
    }
  }
  return out;
}

export function parseDataSample(fileName: string, text: string, complete: boolean): DataFileSample | undefined {
  const lower = fileName.toLowerCase();
  // A cut-off last line is not a row.
  const body = complete ? text : text.slice(0, Math.max(0, text.lastIndexOf('\n') + 1));
  if (/\.(jsonl|ndjson)$/.test(lower)) {
    const rows: Record<string, unknown>[] = [];
    let total = 0;
    for (const line of body.split(/\r?\n/)) {
      if (!line.trim()) continue;
      total++;
      if (rows.length >= SAMPLE_ROWS) continue;
      try {
        rows.push(...objectRows([JSON.parse(line)]));
      } catch {
        /* an unparsable line is left out of the sample */
      }
    }
    return sampleOf(rows, complete ? total : undefined);
  }
  if (/\.(csv|tsv)$/.test(lower)) {
    try {
      const records = parseCsv(body, {
        columns: true,
        delimiter: lower.endsWith('.tsv') ? '\t' : ',',
        relax_column_count: true,
        relax_quotes: true,
        skip_empty_lines: true,
        bom: true,
      }) as Record<string, unknown>[];
      return sampleOf(records, complete ? records.length : undefined);
    } catch {
      return undefined;
    }
  }
  if (lower.endsWith('.json')) {
    if (complete) {
      try {
        const value = JSON.parse(text) as unknown;
        return Array.isArray(value) ? sampleOf(objectRows(value), value.length) : undefined;
      } catch {
        return undefined;
      }
    }
    return sampleOf(objectRows(jsonArrayElements(text)), undefined);
  }
  return undefined;
}
