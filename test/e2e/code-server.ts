/**
 * A real VS Code workbench for the end-to-end suite: code-server (installed by
 * install-code-server.sh into the user's cache) started on loopback with auth and telemetry off,
 * with its own user-data and extensions folders in a temp dir, and the packaged .vsix installed.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export const CACHE_DIR = path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'rlhf-lens-e2e');
const INSTALL_SCRIPT = path.join(__dirname, 'install-code-server.sh');

export interface Installed {
  /** The code-server launcher script. */
  bin: string;
  /** Folder holding the Node 24 that code-server needs. */
  nodeBin: string;
}

/** Runs the (cached, idempotent) install script; returns where code-server is. */
export function installCodeServer(timeoutMs: number): Installed {
  const r = spawnSync('bash', [INSTALL_SCRIPT, CACHE_DIR], { encoding: 'utf8', timeout: timeoutMs });
  if (r.status !== 0) {
    throw new Error(`install-code-server.sh failed (status ${r.status}, signal ${r.signal}):\n${r.stdout}\n${r.stderr}`);
  }
  const bin = r.stdout.trim().split('\n').pop()!;
  return { bin, nodeBin: path.join(CACHE_DIR, 'node', 'bin') };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

export interface CodeServerOptions {
  vsix: string;
  folder: string;
  /** User settings written to settings.json before start. */
  settings: Record<string, unknown>;
  /** false starts the workbench with workspace trust prompting left on. */
  disableWorkspaceTrust: boolean;
}

export class CodeServer {
  private log = '';
  private constructor(
    readonly url: string,
    private readonly proc: ChildProcess,
    readonly home: string,
  ) {
    proc.stdout?.on('data', (d: Buffer) => (this.log += d.toString()));
    proc.stderr?.on('data', (d: Buffer) => (this.log += d.toString()));
  }

  get output(): string {
    return this.log;
  }

  static async start(installed: Installed, options: CodeServerOptions): Promise<CodeServer> {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'rlhf-lens-e2e-'));
    const userData = path.join(home, 'user-data');
    const extensions = path.join(home, 'extensions');
    fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
    fs.writeFileSync(path.join(userData, 'User', 'settings.json'), JSON.stringify(options.settings, null, 2));
    // A config file of our own, so code-server does not write one into ~/.config.
    const config = path.join(home, 'config.yaml');
    fs.writeFileSync(config, 'auth: none\n');
    const env = { ...process.env, PATH: `${installed.nodeBin}:${process.env.PATH ?? ''}`, NODE_OPTIONS: '' };
    const common = ['--config', config, '--user-data-dir', userData, '--extensions-dir', extensions];

    const install = spawnSync(installed.bin, [...common, '--install-extension', options.vsix, '--force'], {
      env,
      encoding: 'utf8',
      timeout: 120_000,
    });
    if (install.status !== 0 || !/successfully installed/i.test(install.stdout + install.stderr)) {
      fs.rmSync(home, { recursive: true, force: true });
      throw new Error(`installing ${options.vsix} failed:\n${install.stdout}\n${install.stderr}`);
    }

    const port = await freePort();
    const args = [
      ...common,
      '--bind-addr', `127.0.0.1:${port}`,
      '--auth', 'none',
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-getting-started-override',
      '--disable-proxy',
      '--ignore-last-opened',
      ...(options.disableWorkspaceTrust ? ['--disable-workspace-trust'] : []),
      options.folder,
    ];
    const proc = spawn(installed.bin, args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const server = new CodeServer(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(options.folder)}`, proc, home);
    try {
      await server.waitListening(port, 60_000);
    } catch (err) {
      await server.stop();
      throw err;
    }
    return server;
  }

  private async waitListening(port: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.proc.exitCode !== null) throw new Error(`code-server exited with ${this.proc.exitCode}:\n${this.log}`);
      try {
        const res = await fetch(`http://127.0.0.1:${port}/healthz`);
        if (res.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`code-server did not listen on ${port} within ${timeoutMs} ms:\n${this.log}`);
  }

  /** Stops code-server and everything it started (extension host, language server). */
  async stop(): Promise<void> {
    if (this.proc.exitCode === null && this.proc.pid !== undefined) {
      const exited = new Promise((r) => this.proc.once('exit', r));
      try {
        process.kill(-this.proc.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      try {
        process.kill(-this.proc.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    fs.rmSync(this.home, { recursive: true, force: true });
  }
}
