import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, ServerProcess } from './server-process.js';

/**
 * A redis-server of a test's own, on a free loopback port with its own temp dir and AOF on, so
 * fault tests can stop and restart it without disturbing the shared broker.
 */
export class PrivateRedisServer {
  private readonly server: ServerProcess;

  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', '', '--daemonize', 'no'];
    this.server = new ServerProcess(`redis-server on port ${port}`, 'redis-server', args, () => answersPing(port));
  }

  static async start(): Promise<PrivateRedisServer> {
    const server = new PrivateRedisServer(await freePort(), mkdtempSync(join(tmpdir(), 'nestream-redis-')));
    await server.resume();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts the server again on the same port and data (after `pause`). */
  resume(): Promise<void> {
    return this.server.start();
  }

  /** Stops the server (SIGTERM: it writes its AOF and exits); data stays for `resume`. */
  pause(): Promise<void> {
    return this.server.stop();
  }

  /** Stops the server and deletes its data. */
  async stop(): Promise<void> {
    await this.pause();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}

/**
 * A TCP proxy in front of a server that can "freeze": connections open so far stay open but
 * nothing passes any more (a dead peer that never closes, as after a network partition), while
 * new connections pass normally.
 */
export class FreezableProxy {
  private readonly sockets = new Set<Socket>();
  private readonly frozen = new Set<Socket>();
  private readonly server: Server;

  private constructor(targetPort: number) {
    this.server = createServer((client) => {
      const upstream = createConnection({ host: '127.0.0.1', port: targetPort });
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('error', () => undefined);
        socket.on('close', () => this.sockets.delete(socket));
      }
      client.on('data', (data) => this.frozen.has(client) || upstream.write(data));
      upstream.on('data', (data) => this.frozen.has(client) || client.write(data));
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
  }

  static async start(targetPort: number): Promise<FreezableProxy> {
    const proxy = new FreezableProxy(targetPort);
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get url(): string {
    const address = this.server.address();
    return `redis://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  }

  freeze(): void {
    for (const socket of this.sockets) this.frozen.add(socket);
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }
}
