/** The `rlhf-lens` command: a thin argument parser over `config/` and `engine/`. */
import { UsageError } from './args';
import { EXIT_OK, EXIT_USAGE, processIO, type CliIO } from './io';
import { VERSION } from '../version';

const LSP_HELP = `Usage: rlhf-lens lsp [--stdio | --node-ipc | --socket=PORT]

Starts the RLHF Lens language server. Any LSP client can use it, e.g. Neovim:
  vim.lsp.start({ name = 'rlhf-lens', cmd = { 'rlhf-lens', 'lsp', '--stdio' } })
`;

interface Loaded {
  help: string;
  run: (argv: string[], io: CliIO) => number | Promise<number>;
}

interface Command {
  summary: string;
  /**
   * The command's module, loaded only when it runs: `rlhf-lens --version` or `lint` then does not
   * initialise the analyses, the engine, the ClickHouse client or the language server (start-up cost
   * is most of a small command's time; docs/engine.md "Measured").
   */
  load: () => Promise<Loaded>;
}

const COMMANDS: Record<string, Command> = {
  lint: { summary: 'check pipeline, experiment and training-config YAML files', load: async () => import('./lint').then((m) => ({ help: m.LINT_HELP, run: m.runLint })) },
  analyze: {
    summary: 'run one analysis (calibration, ab, agreement, drift, training, latency, uncertainty, preference-eval) on a data file',
    load: async () => import('./analyze').then((m) => ({ help: m.ANALYZE_HELP, run: m.runAnalyze })),
  },
  check: { summary: 'run the checks of pipeline files and fail when an assert does not hold', load: async () => import('./check').then((m) => ({ help: m.CHECK_HELP, run: m.runCheckCommand })) },
  compare: { summary: 'compare training runs: metrics at the last, best and a chosen step, hyperparameters that differ', load: async () => import('./compare').then((m) => ({ help: m.COMPARE_HELP, run: m.runCompare })) },
  'compare-evals': {
    summary: 'compare one per-row metric of two eval files joined on a key: exact McNemar or paired t-test, paired bootstrap',
    load: async () => import('./compare-evals').then((m) => ({ help: m.COMPARE_EVALS_HELP, run: m.runCompareEvals })),
  },
  report: { summary: 'write the phase dashboard of a pipeline as one offline HTML file', load: async () => import('./report').then((m) => ({ help: m.REPORT_HELP, run: m.runReport })) },
  lsp: {
    summary: 'start the language server (stdio, node-ipc or socket)',
    load: async () => ({
      help: LSP_HELP,
      run: async () => {
        const { startServer } = await import('../server');
        startServer();
        return new Promise<number>(() => undefined); // runs until the client exits
      },
    }),
  },
};

export function registerCommand(name: string, command: { summary: string } & Loaded): void {
  COMMANDS[name] = { summary: command.summary, load: async () => command };
}

function mainHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  const lines = Object.entries(COMMANDS).map(([n, c]) => `  ${n.padEnd(width)}  ${c.summary}`);
  return `RLHF Lens ${VERSION}: checks RLHF config YAML and analyses RLHF data.

Usage: rlhf-lens <command> [options]

Commands:
${lines.join('\n')}

Run "rlhf-lens <command> --help" for a command's options.
`;
}

export async function main(argv: string[], io: CliIO = processIO): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(mainHelp());
    return name ? EXIT_OK : EXIT_USAGE;
  }
  if (name === '--version') {
    io.out(`${VERSION}\n`);
    return EXIT_OK;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    io.err(`rlhf-lens: unknown command "${name}"\n\n${mainHelp()}`);
    return EXIT_USAGE;
  }
  const command = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(command.help);
    return EXIT_OK;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`rlhf-lens ${name}: ${err.message}\n\n${command.help}`);
      return EXIT_USAGE;
    }
    io.err(`rlhf-lens ${name}: ${(err as Error).message}\n`);
    return EXIT_USAGE;
  }
}
