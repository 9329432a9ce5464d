import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { NatsTransport } from '../../lib/transports/nats/index.js';
import { natsServerCommand } from './installed.js';
import { portOpen, PrivateServer } from './server-process.js';

const SECRET = 's3cret-Pa55';

/** A private nats-server that demands credentials (the shared one takes anyone). */
const authServer = (auth: string[]): Promise<PrivateServer> =>
  PrivateServer.start({
    name: 'nats-server-auth',
    scheme: 'nats',
    command: natsServerCommand(),
    args: (port) => ['-a', '127.0.0.1', '-p', String(port), ...auth],
    isReady: portOpen,
  });

async function roundTrip(servers: string): Promise<NatsTransport> {
  const nats = new NatsTransport({ servers, connection: { reconnect: false, timeout: 2000 } });
  await nats.connect();
  const received: string[] = [];
  await nats.subscribe({ topic: 'creds.check', group: 'g', concurrency: 1, options: {}, handler: async (d) => void received.push(d.message.body.toString()) });
  await nats.publish({ topic: 'creds.check', body: Buffer.from('hello'), headers: {} });
  for (let i = 0; i < 100 && received.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
  expect(received).toEqual(['hello']);
  return nats;
}

describe('NatsTransport with credentials in the server URL', () => {
  let userPass: PrivateServer;
  let token: PrivateServer;
  beforeAll(async () => {
    userPass = await authServer(['--user', 'app', '--pass', SECRET]);
    token = await authServer(['--auth', SECRET]);
  });
  afterAll(async () => {
    await Promise.allSettled([userPass?.stop(), token?.stop()]);
  });

  it('connects with user:pass@ in the URL', async () => {
    const nats = await roundTrip(`nats://app:${SECRET}@127.0.0.1:${userPass.port}`);
    expect(JSON.stringify(nats.health())).not.toContain(SECRET);
    await nats.close();
  });

  it('connects with token@ in the URL', async () => {
    const nats = await roundTrip(`nats://${SECRET}@127.0.0.1:${token.port}`);
    await nats.close();
  });

  it('names the server without the password when the credentials are wrong', async () => {
    const nats = new NatsTransport({ servers: `nats://app:wrong-${SECRET}@127.0.0.1:${userPass.port}`, connection: { reconnect: false, timeout: 2000 } });
    const error = await nats.connect().then(() => undefined, (e: unknown) => e as Error);
    expect(error?.message).toMatch(/Authorization|auth/i);
    expect(error?.message).not.toContain(SECRET);
    expect(JSON.stringify(nats.health())).not.toContain(SECRET);
    await nats.close();
  });

  it('refuses a list whose URLs carry different credentials', () => {
    expect(() => new NatsTransport({ servers: [`nats://a:${SECRET}@h1:4222`, `nats://b:other@h2:4222`] })).toThrow(/different credentials/);
    expect(() => new NatsTransport({ servers: [`nats://a:${SECRET}@h1:4222`, `nats://b:other@h2:4222`] })).not.toThrow(SECRET);
  });
});
