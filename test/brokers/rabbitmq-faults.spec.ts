import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { RabbitTransport, type RabbitTransportOptions } from '../../lib/transports/rabbitmq/index.js';
import { eventually, publishUntilConfirmed, sleep, uid } from './rabbitmq-helpers.js';
import { PrivateRabbitNode } from './rabbitmq-private-node.js';

// Faults that need a broker of the test's own: a real stop and start, and a resource alarm.
jest.setTimeout(180_000);

let node: PrivateRabbitNode;
const transports: RabbitTransport[] = [];

function rabbit(options: Partial<RabbitTransportOptions> = {}): RabbitTransport {
  const transport = new RabbitTransport({ url: node.url, connectionName: `nestream-fault-${uid()}`, reconnect: { initialDelayMs: 100, maxDelayMs: 1_000 }, ...options });
  transports.push(transport);
  return transport;
}

const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));

beforeAll(async () => {
  node = await PrivateRabbitNode.create();
  await node.start();
});

afterEach(async () => {
  await Promise.all(transports.splice(0).map((transport) => transport.close()));
});

afterAll(async () => {
  await node?.destroy();
});

describe('RabbitTransport across a real broker restart', () => {
  it('loses no confirmed message when the broker stops and starts mid-flow (durable queue, persistent messages, confirms)', async () => {
    const transport = rabbit();
    const topic = `restart.${uid()}`;
    const seen = new Set<number>();
    await transport.subscribe({
      topic,
      group: 'restart',
      concurrency: 5,
      options: {},
      handler: async (delivery) => {
        seen.add(Number(delivery.message.body.toString()));
        await sleep(2);
        await delivery.ack();
      },
    });
    const confirmed: number[] = [];
    let restarted: Promise<void> | undefined;
    for (let i = 0; i < 150; i++) {
      if (i === 60) {
        await node.stop();
        restarted = sleep(2_000).then(() => node.start());
      }
      await publishUntilConfirmed(transport, { topic, body: json(i), headers: {} }, 300, 200);
      confirmed.push(i);
    }
    await restarted;
    await eventually('every confirmed message to arrive', () => (confirmed.every((i) => seen.has(i)) ? true : undefined), 60_000);
    expect(confirmed).toHaveLength(150);
    await eventually('the transport to report up', () => (transport.health().status === 'up' ? true : undefined), 30_000);
  });
});

describe('RabbitTransport under a resource alarm (connection.blocked)', () => {
  it('holds publishes while the broker blocks publishing and completes them once it unblocks; a short bound rejects clearly', async () => {
    const transport = rabbit({ publishTimeoutMs: 60_000 });
    const impatient = rabbit({ publishTimeoutMs: 1_500 });
    const topic = `blocked.${uid()}`;
    const seen: number[] = [];
    await transport.subscribe({
      topic,
      group: 'blocked',
      concurrency: 5,
      options: {},
      handler: async (delivery) => {
        seen.push(Number(delivery.message.body.toString()));
        await delivery.ack();
      },
    });
    await impatient.connect();
    await transport.publish({ topic, body: json(0), headers: {} });
    await eventually('the first message', () => (seen.includes(0) ? true : undefined), 10_000);

    await node.ctl('set_vm_memory_high_watermark', '0');
    try {
      // The first publish after the alarm reaches the broker and makes it block the connection.
      let done = 0;
      const held = [1, 2, 3].map((i) => transport.publish({ topic, body: json(i), headers: {} }).then(() => void done++));
      await eventually('the transport to see the block', () => (transport.health().lastError?.includes('blocked') ? true : undefined), 15_000);
      await sleep(1_000);
      expect(done).toBe(0);
      expect(transport.health().status).toBe('up');
      const rejected = await impatient.publish({ topic, body: json(99), headers: {} }).then(() => 'resolved', (error: Error) => error.message);
      expect(rejected).toMatch(/blocked|did not confirm|timed out/);

      await node.ctl('set_vm_memory_high_watermark', '0.4');
      await Promise.all(held);
      await eventually('the held messages to arrive', () => ([1, 2, 3].every((i) => seen.includes(i)) ? true : undefined), 15_000);
      expect(transport.health().lastError ?? '').not.toMatch(/blocked/);
    } finally {
      await node.ctl('set_vm_memory_high_watermark', '0.4').catch(() => undefined);
    }
  });
});
