import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, ServerProcess } from './server-process.js';

/**
 * A nats-server (JetStream on, file storage in its own temp dir) on a free loopback port, so
 * restart tests can stop and start it without disturbing the shared broker on 4222.
 */
export class PrivateNatsServer {
  private readonly server: ServerProcess;

  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {
    const args = ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir];
    this.server = new ServerProcess(`nats-server on port ${port}`, 'nats-server', args, () => sendsInfo(port));
  }

  static async start(): Promise<PrivateNatsServer> {
    const server = new PrivateNatsServer(await freePort(), mkdtempSync(join(tmpdir(), 'nestream-nats-')));
    await server.resume();
    return server;
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  /** Starts the server on the same port and store (after `pause`). */
  resume(): Promise<void> {
    return this.server.start();
  }

  /** Stops the server (SIGTERM: JetStream state is flushed); the store stays for `resume`. */
  pause(): Promise<void> {
    return this.server.stop();
  }

  /** Stops the server and deletes its store. */
  async stop(): Promise<void> {
    await this.pause();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A NATS server greets every new connection with `INFO {...}`. */
function sendsInfo(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('data', (chunk) => done(chunk.toString().startsWith('INFO')));
    socket.once('error', () => done(false));
  });
}
