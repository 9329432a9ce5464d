import { randomUUID } from 'node:crypto';
import type { Transport } from '../../lib/core/transport.js';
import type { FaultBroker } from './fault-targets.js';
import { sleep, waitFor } from './figures.js';

/** How a run paces its publishes; the fault suite and the cluster suite pick their own. */
export interface RestartRunOptions {
  /** Events published (more only while an outage is still being measured). */
  readonly events: number;
  /** Publishes per second. */
  readonly rate: number;
  /** How long the broker (or node) stays down. Default 2000 ms. */
  readonly outageMs?: number;
  /** Each outage's recovery is measured before the next one begins. Default 6000 ms. */
  readonly recoveryWindowMs?: number;
  /** Subscription options of the broker (Kafka's fromBeginning, ...). */
  readonly subscribeOptions?: Readonly<Record<string, unknown>>;
  /** One outage (from one third) or two (at one third and one half). Default 2. */
  readonly outages?: 1 | 2;
  /** The topic, when the broker's `down` must know it (a cluster kills the node leading it). Default: a fresh name. */
  readonly topic?: string;
}

const MAX_PENDING = 2000;

export interface Outage {
  /** When `down` resolved (Infinity until then). */
  downAt: number;
  upAt: number;
  healthDownSeen: boolean;
  healthUpAt?: number;
  publishBackAt?: number;
  consumeBackAt?: number;
  /** The first publish begun after `down` that was acknowledged, and the first event begun after `down` that was handled: a cluster's failover. */
  publishAfterDownAt?: number;
  consumeAfterDownAt?: number;
}

export type RestartRunFigures = Awaited<ReturnType<typeof restartRun>>;

/**
 * watermill's TestReconnect: events published steadily while `broker` goes down at one third
 * and again at one half of them (`down`, `outageMs`, `up`). Every publish settles (resolved =
 * acknowledged, rejected = reported to its caller); the handled count per event says what was
 * lost and what came twice. `broker` may be a whole server (fault suite) or the node leading a
 * cluster's partition / stream / queue / slot (cluster suite).
 */
export async function restartRun(transport: Transport, broker: FaultBroker, run: RestartRunOptions) {
  const { events: N, rate: RATE, outageMs: OUTAGE_MS = 2000, recoveryWindowMs: RECOVERY_WINDOW_MS = 6000, outages: OUTAGES = 2 } = run;
  const options = run.subscribeOptions ?? {};
  const topic = run.topic ?? `faults.${randomUUID().slice(0, 8)}.restart`;
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
      for (const o of outages) {
        if (o.consumeBackAt === undefined && o.upAt > 0 && startedAt.get(i)! >= o.upAt) o.consumeBackAt = Date.now();
        if (o.consumeAfterDownAt === undefined && startedAt.get(i)! >= o.downAt) o.consumeAfterDownAt = Date.now();
      }
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
    const outage: Outage = { downAt: Infinity, upAt: 0, healthDownSeen: false };
    outages.push(outage);
    await broker.down();
    outage.downAt = Date.now();
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
  const measured = (): boolean => restarts === OUTAGES && !restarting && outages.every((o) => o.publishBackAt !== undefined && o.consumeBackAt !== undefined && o.healthUpAt !== undefined);
  let published = 0;
  for (let i = 0; i < N || (i < 3 * N && !measured()); i++) {
    published = i + 1;
    const due = begin + (i * 1000) / RATE;
    if (due > Date.now()) await sleep(due - Date.now());
    while (pending.size >= MAX_PENDING) await Promise.race(pending);
    const threshold = restarts === 0 ? N / 3 : N / 2;
    // The second outage waits until the first is over and measured (watermill's one-third/one-half, stretched if a restart is slow).
    const settledSince = outages.at(-1)?.upAt ?? 0;
    if (restarts < OUTAGES && i >= threshold && !restarting && (restarts === 0 || Date.now() - settledSince >= RECOVERY_WINDOW_MS)) {
      restarts++;
      restarting = restart().finally(() => (restarting = undefined));
    }
    startedAt.set(i, Date.now());
    const publish = transport.publish({ topic, body: Buffer.from(String(i)), headers: {}, key: String(i % 16) }).then(
      () => {
        accepted.add(i);
        for (const o of outages) {
          if (o.upAt > 0 && o.publishBackAt === undefined && startedAt.get(i)! >= o.upAt) o.publishBackAt = Date.now();
          if (o.publishAfterDownAt === undefined && startedAt.get(i)! >= o.downAt) o.publishAfterDownAt = Date.now();
        }
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

/** What a run lost and doubled, and each outage's recovery, as the `FAULT`/`CLUSTER` lines print them. */
export function restartFigures(figures: RestartRunFigures) {
  const { published, accepted, rejected, handled, outages } = figures;
  const lost = [...accepted].filter((i) => !handled.has(i)).length;
  const duplicates = [...handled.values()].reduce((sum, n) => sum + n - 1, 0);
  const seconds = (from: number, to?: number): string => (to === undefined ? 'never' : ((to - from) / 1000).toFixed(1));
  const line: Record<string, unknown> = {
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
  };
  return { lost, duplicates, line };
}
