/**
 * Expected diagnostics written into fixture files as comments:
 *   needs: [trian-rm]  # error pipeline/unknown-need
 *   retries: x  # error schema/type, warning other/rule
 *   # ^ error pipeline/unknown-need        (on its own line: the line above)
 */
const ITEM = String.raw`(?:error|warning|information|hint)\s+[\w-]+/[\w-]+`;
const ANNOTATION = new RegExp(String.raw`#\s*(\^\s+)?(${ITEM}(?:\s*,\s*${ITEM})*)\s*$`);
const CARET_LINE = new RegExp(String.raw`^\s*#\s*\^\s+${ITEM}`);

/** Sorted `line severity code` keys (1-based lines) that the fixture's annotations expect. */
export function expectedDiagnostics(text: string): string[] {
  const lines = text.split(/\r?\n/);
  const out: string[] = [];
  lines.forEach((line, i) => {
    const m = ANNOTATION.exec(line);
    if (!m) return;
    let target = i;
    if (m[1]) {
      target = i - 1;
      while (target > 0 && CARET_LINE.test(lines[target]!)) target--;
    }
    for (const item of m[2]!.split(',')) {
      const [severity, code] = item.trim().split(/\s+/);
      out.push(`${target + 1} ${severity} ${code}`);
    }
  });
  return out.sort();
}

export const SEVERITY_BY_NUMBER: Record<number, string> = { 1: 'error', 2: 'warning', 3: 'information', 4: 'hint' };

export function diagnosticKey(line0: number, severity: string, code: string): string {
  return `${line0 + 1} ${severity} ${code}`;
}
