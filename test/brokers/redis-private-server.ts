import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { PrivateServer } from './server-process.js';

/** A redis-server (AOF on, its own temp dir), for fault tests that must not disturb the shared broker. */
export type PrivateRedisServer = PrivateServer;
export const PrivateRedisServer = {
  /** `extraArgs`: more redis-server options, e.g. `['--proto-max-bulk-len', '1mb']`. */
  start: (extraArgs: readonly string[] = []): Promise<PrivateServer> =>
    PrivateServer.start({
      name: 'redis-server',
      scheme: 'redis',
      command: 'redis-server',
      args: (port, dir) => ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', '', '--daemonize', 'no', ...extraArgs],
      isReady: answersPing,
    }),
};

/** Redis answers `PING` with `+PONG` once it accepts commands. */
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
