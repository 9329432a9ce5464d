import { describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { Transport } from '../../lib/core/transport.js';
import { FAULT_TARGETS, type FaultBroker } from './fault-targets.js';
import { report, sleep, waitFor } from './figures.js';

/**
 * watermill's TestReconnect: N events published steadily while the broker restarts at one third
 * and again at one half of them. Every publish settles (resolved = acknowledged, rejected =
 * reported to its caller); on a persistent transport every acknowledged one is handled.
 *
 * N and the rate: a restart of a private Kafka or RabbitMQ takes 10-30 s on a busy 2-core
 * machine, so 3,000 events at 150/s (20 s of publishing) keep both outages inside the run and
 * the whole suite inside its CI budget; the cheaper brokers restart in well under a second.
 */
const N = Number(process.env.FAULT_EVENTS ?? 3000);
const RATE = Number(process.env.FAULT_RATE ?? 150);
const OUTAGE_MS = 2000;
const MAX_PENDING = 2000;
/** Each outage's recovery is measured before the next one begins. */
const RECOVERY_WINDOW_MS = 6000;

interface Outage {
  downAt: number;
  upAt: number;
  healthDownSeen: boolean;
  healthUpAt?: number;
  publishBackAt?: number;
  consumeBackAt?: number;
}

describe.each(FAULT_TARGETS.map((t) => [t.name, t] as const))('%s: broker restarts mid-flow', (_name, target) => {
  const run = target.available() ? it : it.skip;

  run(`publishes ${N} events steadily through two broker restarts (at 1/3 and 1/2)`, async () => {
    const { broker, address } = await target.startBroker();
    const transport = target.create(address);
    try {
      const figures = await restartRun(transport, broker, target.subscribeOptions ?? {});
      const { published, accepted, rejected, unsettled, handled, outages } = figures;
      const lost = [...accepted].filter((i) => !handled.has(i)).length;
      const duplicates = [...handled.values()].reduce((sum, n) => sum + n - 1, 0);
      const seconds = (from: number, to?: number): string => (to === undefined ? 'never' : ((to - from) / 1000).toFixed(1));
      report(target.name, 'restart', {
        events: published,
        acknowledged: accepted.size,
        rejected,
        lost,
        duplicates,
        ...Object.fromEntries(
          outages.flatMap((o, k) => [
            [`outage${k + 1} health down seen`, o.healthDownSeen],
            [`outage${k + 1} health up s`, seconds(o.upAt, o.healthUpAt)],
            [`outage${k + 1} publish back s`, seconds(o.upAt, o.publishBackAt)],
            [`outage${k + 1} consume back s`, seconds(o.upAt, o.consumeBackAt)],
          ]),
        ),
      });
      expect(unsettled).toBe(0); // every publish was answered, one way or the other
      expect(outages).toHaveLength(2);
      if (target.persistent) expect(lost).toBe(0);
      for (const outage of outages) {
        expect(outage.healthDownSeen).toBe(true);
        expect(outage.healthUpAt! - outage.upAt).toBeLessThanOrEqual(2000);
        expect(outage.publishBackAt! - outage.upAt).toBeLessThanOrEqual(5000);
        expect(outage.consumeBackAt! - outage.upAt).toBeLessThanOrEqual(5000);
      }
    } finally {
      await transport.close().catch(() => undefined);
      await broker.destroy();
    }
  }, 300_000);
});

async function restartRun(transport: Transport, broker: FaultBroker, options: Readonly<Record<string, unknown>>) {
  const topic = `faults.${randomUUID().slice(0, 8)}.restart`;
  const handled = new Map<number, number>();
  const outages: Outage[] = [];
  const startedAt = new Map<number, number>();
  await transport.connect();
  await transport.subscribe({
    topic,
    group: 'faults',
    concurrency: 16,
    options,
    handler: async (delivery) => {
      const i = Number(delivery.message.body.toString());
      handled.set(i, (handled.get(i) ?? 0) + 1);
      for (const o of outages) if (o.consumeBackAt === undefined && o.upAt > 0 && startedAt.get(i)! >= o.upAt) o.consumeBackAt = Date.now();
      await delivery.ack();
    },
  });
  await sleep(1000); // a Kafka group's first join, a JetStream durable's first pull

  const health = setInterval(() => {
    const status = transport.health().status;
    for (const o of outages) {
      if (o.upAt === 0 && status !== 'up') o.healthDownSeen = true;
      if (o.upAt > 0 && o.healthUpAt === undefined && status === 'up') o.healthUpAt = Date.now();
    }
  }, 50);

  const restart = async (): Promise<void> => {
    const outage: Outage = { downAt: Date.now(), upAt: 0, healthDownSeen: false };
    outages.push(outage);
    await broker.down();
    await sleep(OUTAGE_MS);
    await broker.up();
    outage.upAt = Date.now();
  };

  const accepted = new Set<number>();
  let rejected = 0;
  const pending = new Set<Promise<void>>();
  let restarting: Promise<void> | undefined;
  let restarts = 0;
  const begin = Date.now();
  // Past N only while an outage is still being measured (a slow broker restart near the end): it needs publishes after it.
  const measured = (): boolean => restarts === 2 && !restarting && outages.every((o) => o.publishBackAt !== undefined && o.consumeBackAt !== undefined && o.healthUpAt !== undefined);
  let published = 0;
  for (let i = 0; i < N || (i < 3 * N && !measured()); i++) {
    published = i + 1;
    const due = begin + (i * 1000) / RATE;
    if (due > Date.now()) await sleep(due - Date.now());
    while (pending.size >= MAX_PENDING) await Promise.race(pending);
    const threshold = restarts === 0 ? N / 3 : N / 2;
    // The second outage waits until the first is over and measured (watermill's one-third/one-half, stretched if a restart is slow).
    const settledSince = outages.at(-1)?.upAt ?? 0;
    if (restarts < 2 && i >= threshold && !restarting && (restarts === 0 || Date.now() - settledSince >= RECOVERY_WINDOW_MS)) {
      restarts++;
      restarting = restart().finally(() => (restarting = undefined));
    }
    startedAt.set(i, Date.now());
    const publish = transport.publish({ topic, body: Buffer.from(String(i)), headers: {}, key: String(i % 16) }).then(
      () => {
        accepted.add(i);
        for (const o of outages) if (o.upAt > 0 && o.publishBackAt === undefined && startedAt.get(i)! >= o.upAt) o.publishBackAt = Date.now();
      },
      () => void rejected++,
    );
    const tracked = publish.finally(() => pending.delete(tracked));
    pending.add(tracked);
  }
  await restarting;
  // Publishes in flight settle within the clients' own retry budgets; one that never does is a bug.
  const settled = await Promise.race([Promise.all(pending).then(() => true), sleep(60_000).then(() => false)]);
  await waitFor(() => [...accepted].every((i) => handled.has(i)), 60_000).catch(() => undefined);
  await sleep(1000); // late redeliveries count as duplicates
  clearInterval(health);
  return { published, accepted, rejected, unsettled: settled ? 0 : pending.size, handled, outages };
}
