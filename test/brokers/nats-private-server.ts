import { createConnection } from 'node:net';
import { natsServerCommand } from './installed.js';
import { PrivateServer } from './server-process.js';

/** A nats-server (JetStream on, file storage in its own temp dir), for restart tests that must not disturb the shared broker. */
export type PrivateNatsServer = PrivateServer;
export const PrivateNatsServer = {
  start: (): Promise<PrivateServer> =>
    PrivateServer.start({
      name: 'nats-server',
      scheme: 'nats',
      command: natsServerCommand(),
      args: (port, dir) => ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir],
      isReady: sendsInfo,
    }),
};

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
