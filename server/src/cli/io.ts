/** Where the CLI writes. Tests run the CLI as a process, so this is plain stdout/stderr. */
export interface CliIO {
  out: (text: string) => void;
  err: (text: string) => void;
  cwd: string;
}

/**
 * Messages quote what files hold (YAML keys, data values, bad lines): control characters other than
 * tab and line ends, and bidi overrides, are written as \uXXXX so a hostile file cannot drive the
 * terminal (escape sequences) or reorder what is shown. JSON output is unchanged in meaning.
 */
export function terminalSafe(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export const processIO: CliIO = {
  out: (t) => process.stdout.write(terminalSafe(t)),
  err: (t) => process.stderr.write(terminalSafe(t)),
  cwd: process.cwd(),
};

/** Exit codes shared by every subcommand. */
export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;
