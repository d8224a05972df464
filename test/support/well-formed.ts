/** Checks that diagnostics are what an editor can use: valid ranges inside the text, known severities, a code and a message. */
import * as assert from 'node:assert/strict';
import type { LspDiagnostic } from './lsp';

export function assertWellFormed(diags: LspDiagnostic[], text: string, label: string): void {
  const lines = text.split(/\r\n|\r|\n/);
  for (const d of diags) {
    const where = `${label}: ${JSON.stringify(d).slice(0, 300)}`;
    assert.ok(typeof d.code === 'string' && /^[a-z]+\/[a-z0-9-]+$/.test(d.code), `bad code in ${where}`);
    assert.ok(typeof d.message === 'string' && d.message.length > 0 && d.message.length < 2000, `bad message in ${where}`);
    assert.ok(d.severity === undefined || [1, 2, 3, 4].includes(d.severity), `bad severity in ${where}`);
    const { start, end } = d.range;
    for (const p of [start, end]) {
      assert.ok(Number.isInteger(p.line) && p.line >= 0 && p.line < Math.max(1, lines.length), `line out of range in ${where}`);
      assert.ok(Number.isInteger(p.character) && p.character >= 0 && p.character <= (lines[p.line]?.length ?? 0), `character out of range in ${where}`);
    }
    assert.ok(start.line < end.line || (start.line === end.line && start.character <= end.character), `inverted range in ${where}`);
  }
}
