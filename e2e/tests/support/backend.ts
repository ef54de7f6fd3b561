// A cmconsole backend of a test's own (not the shared one playwright.config.ts
// starts): the release binary on a free loopback port, with the flags the
// test needs. It can be killed and started again on the same port and data
// directory, and it is always stopped by `stop()` (call it in afterAll/finally).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** The e2e directory, which relative paths (binary, UI) are relative to. */
const E2E_DIR = path.resolve(__dirname, '..', '..');
/** The release binary: `cargo xtask test` passes the one it built. */
const BINARY = path.resolve(E2E_DIR, process.env.CMCONSOLE_BIN ?? '../target/release/cmconsole');
/** The Trunk build the backend serves. */
const UI_DIR = path.resolve(E2E_DIR, '../frontend/dist');

/** A TCP port on 127.0.0.1 that nothing listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('no port'));
      });
    });
  });
}

/** A fresh temporary directory for a file-backed store; remove it with `removeDir`. */
export function tempDataDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'cmconsole-e2e-'));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export class Backend {
  readonly port: number;
  readonly baseURL: string;
  private readonly flags: string[];
  private readonly env: Record<string, string>;
  private child: ChildProcess | null = null;
  /** The last lines the process wrote, shown when it fails to start. */
  private readonly output: string[] = [];

  private constructor(port: number, flags: string[], env: Record<string, string>) {
    this.port = port;
    this.baseURL = `http://127.0.0.1:${port}`;
    this.flags = flags;
    this.env = env;
  }

  /**
   * Starts `cmconsole serve FLAGS --listen 127.0.0.1:<free port> --ui-dir …`
   * (with `env` added to the environment) and waits for /api/health.
   */
  static async start(flags: string[], env: Record<string, string> = {}): Promise<Backend> {
    const backend = new Backend(await freePort(), flags, env);
    await backend.launch();
    return backend;
  }

  /** The process id of the running backend. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  private async launch(): Promise<void> {
    const args = ['serve', ...this.flags, '--listen', `127.0.0.1:${this.port}`, '--ui-dir', UI_DIR];
    const child = spawn(BINARY, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...this.env },
    });
    this.child = child;
    const keep = (chunk: Buffer) => {
      this.output.push(...chunk.toString().split('\n').filter(Boolean));
      this.output.splice(0, Math.max(0, this.output.length - 40));
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) break;
      try {
        const response = await fetch(`${this.baseURL}/api/health`);
        if (response.ok) return;
      } catch {
        // Not listening yet.
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await this.stop();
    throw new Error(`cmconsole ${args.join(' ')} did not become healthy:\n${this.output.join('\n')}`);
  }

  /** Everything the process wrote lately (the last 40 lines). */
  get log(): string {
    return this.output.join('\n');
  }

  /** Ends the process with `signal` (SIGKILL: a crash) and waits until it is gone. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  }

  /** Starts the same binary again on the same port with the same flags (and data directory). */
  async restart(): Promise<void> {
    await this.kill();
    await this.launch();
  }

  /** Stops the process (SIGTERM, a clean shutdown); safe to call twice. */
  async stop(): Promise<void> {
    await this.kill('SIGTERM');
  }
}
