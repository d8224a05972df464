/** Process entry of the CLI bundle (dist/server/cli.js). */
import { main } from './main';
import { watchClosedPipes } from './io';

watchClosedPipes();

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`rlhf-lens: internal error: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 70;
  },
);
