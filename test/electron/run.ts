/**
 * Runs the in-editor suite (suite.ts) inside an installed desktop VS Code through
 * @vscode/test-electron. Nothing is downloaded: set VSCODE_EXECUTABLE to the `code` binary of an
 * installed VS Code. Without it this prints that it did not run and why, and exits 0; the
 * code-server suite (test/e2e.test.ts) covers the same ground in a browser.
 *   VSCODE_EXECUTABLE=/usr/share/code/code npm run test:electron
 */
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';

const ROOT = path.resolve(__dirname, '..', '..');

async function main(): Promise<number> {
  const executable = process.env.VSCODE_EXECUTABLE;
  if (!executable) {
    console.log('test/electron: did not run: VSCODE_EXECUTABLE is not set (point it at an installed VS Code to run this suite).');
    return 0;
  }
  if (!fs.existsSync(executable)) {
    console.log(`test/electron: did not run: VSCODE_EXECUTABLE=${executable} does not exist.`);
    return 0;
  }
  if (!fs.existsSync(path.join(ROOT, 'dist', 'client', 'extension.js'))) {
    console.error('test/electron: dist/ is missing; run `npm run build` first.');
    return 1;
  }
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'rlhf-lens-electron-'));
  try {
    // The extension host loads the suite with require(): bundle it (vscode stays external).
    const suite = path.join(home, 'suite.js');
    await esbuild.build({ entryPoints: [path.join(__dirname, 'suite.ts')], outfile: suite, bundle: true, platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'], logLevel: 'warning' });
    const workspace = path.join(home, 'workspace');
    fs.cpSync(path.join(ROOT, 'examples', 'workspace'), workspace, { recursive: true });
    const code = await runTests({
      vscodeExecutablePath: executable,
      extensionDevelopmentPath: ROOT,
      extensionTestsPath: suite,
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--user-data-dir', path.join(home, 'user-data'), '--extensions-dir', path.join(home, 'extensions')],
    });
    return code;
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`test/electron: failed: ${(err as Error).stack ?? err}`);
    process.exit(1);
  },
);
