/**
 * CSV and TSV with a header row (csv-parse: quoted fields, embedded newlines, CRLF, BOM).
 * Empty cells are left out of the row, which is what PyTorch Lightning's sparse metrics.csv needs
 * (train and validation metrics are logged on different rows).
 *
 * A file whose first row looks like data (a numeric cell) is read as headerless; its columns are
 * named by the `columns` option, else col1, col2, ...
 */
import { parse } from 'csv-parse';
import { openBytes, asIngestError } from './source';
import type { SkipLog, SourceRow } from './rows';

export interface DelimitedOptions {
  delimiter: ',' | '\t';
  /** Names for a headerless file's columns (in order). */
  columns?: string[];
  /** true: the first row is a header; false: no header; undefined: decide from the first row. */
  header?: boolean;
  /** Told the column names once the first row is read, and whether they came from a header. */
  onColumns?: (columns: string[], headerless: boolean) => void;
}

/**
 * A first row is data, not a header, when a cell is a number, when two cells are equal, or when two
 * or more are empty (an item x annotator matrix such as MACE's input: `NOUN,,NOUN,,`). A header
 * has distinct names; at most one may be empty (pandas writes `,a,b` for its index).
 */
function looksLikeData(cells: string[]): boolean {
  if (cells.some((c) => c.trim() !== '' && Number.isFinite(Number(c)))) return true;
  const filled = cells.map((c) => c.trim()).filter((c) => c !== '');
  return new Set(filled).size < filled.length || cells.length - filled.length >= 2;
}

export async function* readDelimited(file: string, options: DelimitedOptions, skipped: SkipLog, onBytes?: (n: number) => void): AsyncGenerator<SourceRow> {
  const input = openBytes(file, onBytes);
  const parser = parse({
    delimiter: options.delimiter,
    bom: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    info: true,
    // A malformed record (e.g. an unclosed quote) is reported through on_skip, not thrown.
    skip_records_with_error: true,
  });
  parser.on('skip', (err: Error & { lines?: number }) => skipped.add(err.lines ?? 0, `malformed row: ${err.message}`));
  input.on('error', (e) => parser.destroy(e));
  input.pipe(parser);
  let names: string[] | undefined;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      const line = info.lines;
      if (!names) {
        const headerless = options.header === false || (options.header === undefined && looksLikeData(record));
        if (!headerless) {
          names = record.map((h, i) => h.trim() || `col${i + 1}`);
          options.onColumns?.(names, false);
          continue;
        }
        names = record.map((_, i) => options.columns?.[i] ?? `col${i + 1}`);
        options.onColumns?.(names, true);
      }
      if (record.length !== names.length && !(record.length === 1 && record[0] === '')) {
        skipped.add(line, `expected ${names.length} fields, found ${record.length}`);
        continue;
      }
      const value: Record<string, unknown> = {};
      for (let i = 0; i < names.length; i++) {
        const cell = record[i];
        if (cell !== undefined && cell !== '') value[names[i]!] = cell;
      }
      yield { line, value };
    }
  } catch (err) {
    throw asIngestError(file, err);
  } finally {
    input.destroy();
  }
}
