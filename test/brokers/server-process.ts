import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A broker process a fault test owns (a private Redis, NATS or Kafka on its own loopback
 * port), so it can stop and restart it without disturbing the shared brokers.
 */
export class ServerProcess {
  private child?: ChildProcess;

  constructor(
    private readonly label: string,
    private readonly command: string,
    private readonly args: readonly string[],
    private readonly isReady: () => Promise<boolean>,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  /** Spawns it and resolves once `isReady` holds; rejects if it exits or the time runs out. */
  async start(timeoutMs = 10_000, pollMs = 50): Promise<void> {
    const child = spawn(this.command, this.args, { stdio: 'ignore', env: this.env });
    this.child = child;
    const deadline = Date.now() + timeoutMs;
    while (!(await this.isReady())) {
      if (child.exitCode !== null) throw new Error(`${this.label} exited with ${child.exitCode} during startup`);
      if (Date.now() > deadline) throw new Error(`${this.label} not ready after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }

  /** Sends a signal to the running server (SIGSTOP / SIGCONT: a server that stops answering, then answers again). */
  signal(signal: NodeJS.Signals): void {
    if (!this.child || this.child.exitCode !== null) throw new Error(`${this.label} is not running`);
    this.child.kill(signal);
  }

  /** SIGTERM (a clean shutdown, state flushed), SIGKILL if it takes longer than `graceMs`. */
  async stop(graceMs = 5_000): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }
}

/** True when something accepts connections on the loopback port. */
export function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

/** A loopback port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

export interface PrivateServerSpec {
  readonly name: string;
  readonly scheme: string;
  readonly command: string;
  args(port: number, dir: string): string[];
  isReady(port: number): Promise<boolean>;
}

/**
 * A server of a test's own on a free loopback port with its own temp dir: `pause` / `resume`
 * keep port and data (a restart), `stop` also deletes the data.
 */
export class PrivateServer {
  private readonly server: ServerProcess;

  private constructor(
    readonly port: number,
    private readonly dir: string,
    spec: PrivateServerSpec,
  ) {
    this.server = new ServerProcess(`${spec.name} on port ${port}`, spec.command, spec.args(port, dir), () => spec.isReady(port));
    this.url = `${spec.scheme}://127.0.0.1:${port}`;
  }

  readonly url: string;

  static async start(spec: PrivateServerSpec): Promise<PrivateServer> {
    const server = new PrivateServer(await freePort(), mkdtempSync(join(tmpdir(), `nestream-${spec.name}-`)), spec);
    await server.resume();
    return server;
  }

  resume(): Promise<void> {
    return this.server.start();
  }

  /** SIGTERM: the server flushes its state; data stays for `resume`. */
  pause(): Promise<void> {
    return this.server.stop();
  }

  async stop(): Promise<void> {
    await this.pause();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
