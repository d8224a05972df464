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

/**
 * A reader that closes early (`rlhf-lens lint DIR | head`) makes the next write fail with EPIPE.
 * Like other command-line tools we then stop writing to that stream, quietly: the command still
 * finishes and exits with its documented code (what it would have returned had the reader kept
 * reading). `watchClosedPipes` is called once by the process entry (bin.ts).
 */
const closed = { out: false, err: false };

export function watchClosedPipes(): void {
  const on = (stream: NodeJS.WriteStream, which: 'out' | 'err') =>
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED') {
        closed[which] = true;
        return;
      }
      // Any other stdout/stderr failure (disk full on a redirect, ...): say so once, as an I/O problem.
      closed[which] = true;
      if (!closed.err && which === 'out') process.stderr.write(`rlhf-lens: cannot write the output: ${e.message}\n`);
      process.exitCode = EXIT_USAGE;
    });
  on(process.stdout, 'out');
  on(process.stderr, 'err');
}

export const processIO: CliIO = {
  out: (t) => {
    if (!closed.out) process.stdout.write(terminalSafe(t));
  },
  err: (t) => {
    if (!closed.err) process.stderr.write(terminalSafe(t));
  },
  cwd: process.cwd(),
};

/** Exit codes shared by every subcommand. */
export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;
