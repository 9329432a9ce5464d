import { describe, expect, it } from '@jest/globals';
import { FAULT_TARGETS } from './fault-targets.js';
import { report } from './figures.js';
import { restartFigures, restartRun } from './restart-run.js';

/**
 * watermill's TestReconnect: N events published steadily while the broker restarts at one third
 * and again at one half of them. Every publish settles (resolved = acknowledged, rejected =
 * reported to its caller); on a persistent transport every acknowledged one is handled.
 *
 * N and the rate: the 10,000 events, at 500/s (20 s of publishing) so the whole suite
 * stays inside its CI budget. A restart of a private Kafka or RabbitMQ takes 10-30 s on a busy
 * 2-core machine, longer than that: the run then publishes past N (at most 3N) until both
 * outages are over and measured; the cheaper brokers restart in well under a second.
 */
const N = Number(process.env.FAULT_EVENTS ?? 10_000);
const RATE = Number(process.env.FAULT_RATE ?? 500);

describe.each(FAULT_TARGETS.map((t) => [t.name, t] as const))('%s: broker restarts mid-flow', (_name, target) => {
  const run = target.available() ? it : it.skip;

  run(`publishes ${N} events steadily through two broker restarts (at 1/3 and 1/2)`, async () => {
    const { broker, address } = await target.startBroker();
    const transport = target.create(address);
    try {
      const figures = await restartRun(transport, broker, { events: N, rate: RATE, subscribeOptions: target.subscribeOptions });
      const { lost, line } = restartFigures(figures);
      report(target.name, 'restart', line);
      expect(figures.unsettled).toBe(0); // every publish was answered, one way or the other
      expect(figures.outages).toHaveLength(2);
      if (target.persistent) expect(lost).toBe(0);
      for (const outage of figures.outages) {
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
