import { describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { report } from '../faults/figures.js';
import { restartFigures, restartRun } from '../faults/restart-run.js';
import type { ClusterNode } from './cluster-target.js';
import { CLUSTER_TARGETS } from './cluster-targets.js';

/**
 * The node leading the topic's partition / stream / queue / slot is SIGKILLed at one third of
 * N events published steadily, and started again at one half (watermill's TestReconnect on a
 * cluster). The app is not restarted: its producer and consumer must move to the new leader by
 * themselves. Zero acknowledged publishes lost, every publish answered (a publish the cluster
 * could not take is reported to its caller), duplicates counted as at-least-once allows.
 *
 * N and the rate: 10,000 at 400/s is 25 s of publishing, so the node is down for about 4 s of
 * it (N/6 events) and its restart and rejoin (10-20 s for a Kafka or RabbitMQ node on this
 * machine) overlap the rest of the run, as in production.
 */
const N = Number(process.env.CLUSTER_EVENTS ?? 10_000);
const RATE = Number(process.env.CLUSTER_RATE ?? 400);
/** From the kill at one third to the restart at one half: the time N/6 publishes take. */
const DOWN_MS = Math.round((N / 6 / RATE) * 1000);
/** A failover is an election plus the clients' metadata refresh: seconds, never the whole outage. */
const FAILOVER_LIMIT_MS = 30_000;

describe.each(CLUSTER_TARGETS.map((t) => [t.name, t] as const))('%s cluster: the leader killed mid-flow', (_name, target) => {
  const run = target.available() ? it : it.skip;

  run(`publishes ${N} events steadily; the leader is SIGKILLed at 1/3 and back at 1/2`, async () => {
    const topic = `cluster.${randomUUID().slice(0, 8)}.leader`;
    const transport = target.create(target.address);
    let killed: ClusterNode | undefined;
    try {
      const broker = {
        down: async () => {
          killed = await target.leaderOf(topic);
          await target.kill(killed);
        },
        up: () => target.restart(killed!),
        destroy: async () => undefined,
      };
      const figures = await restartRun(transport, broker, { events: N, rate: RATE, outages: 1, outageMs: DOWN_MS, topic, subscribeOptions: target.subscribeOptions });
      const { lost, line } = restartFigures(figures);
      const [outage] = figures.outages;
      const after = (at?: number): string => (at === undefined ? 'never' : ((at - outage!.downAt) / 1000).toFixed(1));
      report(target.name, 'leader-kill', { killed: killed?.id, ...line, 'publish failover s': after(outage?.publishAfterDownAt), 'consume failover s': after(outage?.consumeAfterDownAt) }, 'CLUSTER');
      if (lost > 0 && target.stored) {
        // Which side lost them: acknowledged and never written, or written and never delivered.
        const stored = await target.stored(topic);
        const lostEvents = [...figures.accepted].filter((i) => !figures.handled.has(i));
        report(target.name, 'leader-kill lost', { events: lostEvents.join(' '), 'not in the topic': lostEvents.filter((i) => !stored.has(i)).join(' ') || 'none' }, 'CLUSTER');
      }
      expect(figures.unsettled).toBe(0); // every publish was answered, one way or the other
      expect(lost).toBe(0);
      expect(outage!.publishAfterDownAt! - outage!.downAt).toBeLessThanOrEqual(FAILOVER_LIMIT_MS);
      expect(outage!.consumeAfterDownAt! - outage!.downAt).toBeLessThanOrEqual(FAILOVER_LIMIT_MS);
      // The app was not restarted: publishing and consuming go on after the node is back too.
      expect(outage!.publishBackAt).toBeDefined();
      expect(outage!.consumeBackAt).toBeDefined();
    } finally {
      await transport.close().catch(() => undefined);
      // A node left dead would fail the next case: bring it back whatever happened.
      if (killed) await target.restart(killed).catch(() => undefined);
    }
  }, 600_000);
});
