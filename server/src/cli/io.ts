/** Where the CLI writes. Tests run the CLI as a process, so this is plain stdout/stderr. */
export interface CliIO {
  out: (text: string) => void;
  err: (text: string) => void;
  cwd: string;
}

export const processIO: CliIO = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  cwd: process.cwd(),
};

/** Exit codes shared by every subcommand. */
export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;
