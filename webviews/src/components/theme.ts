/** Colours for canvases, read from VS Code's theme variables so charts follow light, dark and high contrast. */
export interface Palette {
  foreground: string;
  muted: string;
  grid: string;
  background: string;
  series: string[];
  good: string;
  bad: string;
  warn: string;
}

function cssVar(name: string, fallback: string): string {
  const v = getComputedStyle(document.body).getPropertyValue(name).trim();
  return v || fallback;
}

export function palette(): Palette {
  return {
    foreground: cssVar('--vscode-foreground', '#333'),
    muted: cssVar('--vscode-descriptionForeground', '#777'),
    grid: cssVar('--rl-grid', 'rgba(128,128,128,0.25)'),
    background: cssVar('--vscode-editor-background', '#fff'),
    series: [
      cssVar('--vscode-charts-blue', '#1a85ff'),
      cssVar('--vscode-charts-orange', '#d18616'),
      cssVar('--vscode-charts-green', '#388a34'),
      cssVar('--vscode-charts-purple', '#652d90'),
      cssVar('--vscode-charts-red', '#e51400'),
      cssVar('--vscode-charts-yellow', '#bf8803'),
    ],
    good: cssVar('--vscode-charts-green', '#388a34'),
    bad: cssVar('--vscode-charts-red', '#e51400'),
    warn: cssVar('--vscode-charts-orange', '#d18616'),
  };
}

/** The colour with an alpha, for fills; accepts #rgb, #rrggbb and rgb()/rgba(). */
export function withAlpha(color: string, alpha: number): string {
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(color);
  if (hex) {
    const s = hex[1]!.length === 3 ? hex[1]!.split('').map((c) => c + c).join('') : hex[1]!;
    const n = parseInt(s, 16);
    return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
  }
  const rgb = /^rgba?\(([^,]+),([^,]+),([^,)]+)/.exec(color);
  return rgb ? `rgba(${rgb[1]},${rgb[2]},${rgb[3]}, ${alpha})` : color;
}
