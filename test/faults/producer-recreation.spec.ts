import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Kafka } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { KafkaTransport } from '../../lib/transports/kafka/index.js';
import { PrivateKafkaBroker } from '../brokers/kafka-private-broker.js';
import { report, sleep, waitFor } from './figures.js';

/**
 * An idempotent producer whose sequence numbers no longer match the broker's, on a real Kafka.
 * What provokes it: the broker freezes (SIGSTOP, as in a long GC pause) while a produce request
 * waits in its socket; the client's request times out and the publish is rejected, but the
 * broker, thawed, writes the batch. kafkajs has rolled its sequence back, so its next batch
 * gets OUT_OF_ORDER_SEQUENCE_NUMBER (or, of the same length as the written one, is answered as
 * its duplicate and never written: what lost a publish on a cluster's leader kill), and kafkajs
 * answers every later one the same way (with no replacement, all 50 later publishes were
 * rejected). nestream replaces a kafkajs producer after any failed send (kafkajs.connection.ts),
 * so the stale sequence never reaches the broker and every later publish succeeds. What does not provoke it on Kafka 4:
 * a producer id expired (`producer.id.expiration.ms`) or a topic deleted and made again; the
 * broker then has no state for the producer and takes any sequence number.
 * `@platformatic/kafka` is not provoked by the same freeze: the publishes in flight are
 * acknowledged once the broker thaws (each written once), and no fatal error reaches nestream.
 * It also drops its producer id itself after any failed idempotent send, and re-initialises it
 * and sends again on OUT_OF_ORDER_SEQUENCE_NUMBER / UNKNOWN_PRODUCER_ID (its producer.js), so
 * nestream's replacement is only a second line for it (PRODUCER_FENCED, INVALID_PRODUCER_EPOCH).
 */
const FREEZE_MS = 5000;
const REQUEST_TIMEOUT_MS = 1500;
const LATER = 50;

const clients: [name: string, library: 'kafkajs' | 'platformatic'][] = [
  ['kafka', 'kafkajs'],
  ['kafka-platformatic', 'platformatic'],
];
const targets = (process.env.FAULT_TARGETS?.split(',') ?? clients.map(([name]) => name)).filter((name) => clients.some(([n]) => n === name));
const run = PrivateKafkaBroker.available() && targets.length > 0 ? describe : describe.skip;

/** kafkajs: short request timeouts, so a frozen broker fails a publish (it wants at least one retry on an idempotent producer). */
function transport(library: 'kafkajs' | 'platformatic', address: string): KafkaTransport {
  const common = { brokers: [address], clientId: `nestream-faults-fenced-${library}`, topics: { numPartitions: 1, replicationFactor: 1 }, restartDelayMs: 500, commitIntervalMs: 50 };
  return library === 'platformatic'
    ? // Its own timeouts: a 1.5 s request timeout is shared with its consumer, whose group requests then time out for good on a loaded machine.
      new KafkaTransport({ ...common, library, consumer: { sessionTimeout: 10_000, heartbeatInterval: 1000, rebalanceTimeout: 10_000, maxWaitTime: 200 } })
    : new KafkaTransport({ ...common, library, client: { requestTimeout: REQUEST_TIMEOUT_MS, enforceRequestTimeout: true }, producer: { retry: { retries: 1, initialRetryTime: 100 } }, consumer: { maxWaitTimeInMs: 200 } });
}

/** A fresh KRaft broker accepts connections before its group coordinator loads (FindCoordinator: not available). */
async function coordinatorReady(address: string, timeoutMs = 60_000): Promise<void> {
  const admin = new Kafka({ brokers: [address], clientId: 'nestream-faults-probe', logLevel: 0 }).admin();
  const deadline = Date.now() + timeoutMs;
  try {
    await admin.connect();
    for (;;) {
      try {
        await admin.describeGroups(['nestream-faults-probe']);
        return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await sleep(250);
      }
    }
  } finally {
    await admin.disconnect();
  }
}

run('Kafka: a producer whose sequence numbers the broker no longer takes', () => {
  const broker = new PrivateKafkaBroker(19592, 19593);
  beforeAll(async () => {
    await broker.start();
    await coordinatorReady(broker.address);
  }, 120_000);
  afterAll(() => broker.destroy(), 60_000);

  it.each(clients.filter(([name]) => targets.includes(name)))('%s: what was in flight settles, and every later publish succeeds and is consumed', async (name, library) => {
    const kafka = transport(library, broker.address);
    const topic = `faults.${randomUUID().slice(0, 8)}.fenced`;
    const consumed = new Map<string, number>();
    try {
      await kafka.subscribe({ topic, group: 'fenced', concurrency: 1, options: { fromBeginning: true }, handler: async (d) => {
        const body = d.message.body.toString();
        consumed.set(body, (consumed.get(body) ?? 0) + 1);
        await d.ack();
      } });
      const publish = (body: string) => kafka.publish({ topic, body: Buffer.from(body), headers: {}, key: 'k' }).then(() => 'ok' as const, (e: Error) => e);
      expect(await publish('warm-up')).toBe('ok');

      broker.freeze();
      const inFlight = Promise.all(['frozen-0', 'frozen-1'].map(publish));
      await sleep(FREEZE_MS);
      broker.thaw();
      const frozen = await inFlight;
      await sleep(2000); // the broker writes what waited in its socket

      // One at a time: the first answer after the thaw is where a fatal error shows.
      const after: (string | Error)[] = [];
      for (let i = 0; i < LATER; i++) after.push(await publish(`after-${i}`));
      const firstError = after.find((r): r is Error => r instanceof Error);
      const acknowledged = after.map((r, i) => (r === 'ok' ? `after-${i}` : undefined)).filter((b): b is string => b !== undefined);
      await waitFor(() => acknowledged.every((b) => consumed.has(b)), 60_000).catch(() => undefined);
      report(name, 'producer-sequence', {
        inFlightRejected: frozen.filter((r) => r instanceof Error).length,
        'rejected but written': frozen.filter((r, i) => r instanceof Error && consumed.has(`frozen-${i}`)).length,
        fatalError: firstError ? /out of order sequence/i.test(firstError.message) ? 'OUT_OF_ORDER_SEQUENCE_NUMBER' : firstError.message : 'none',
        laterRejected: after.length - acknowledged.length,
        laterAcknowledged: acknowledged.length,
        laterConsumed: acknowledged.filter((b) => consumed.has(b)).length,
        duplicates: [...consumed.values()].reduce((sum, n) => sum + n - 1, 0),
      });

      if (library === 'kafkajs') {
        expect(frozen.every((r) => r instanceof Error)).toBe(true); // in flight when the broker froze: timed out, and their callers told so
      } else {
        expect(frozen).toEqual(['ok', 'ok']); // answered once the broker thawed
      }
      // No stale sequence reaches the broker: kafkajs' producer was replaced after the failed send, platformatic renews its id itself.
      expect(after.every((r) => r === 'ok')).toBe(true);
      if (library === 'platformatic') {
        expect(['frozen-0', 'frozen-1'].map((b) => consumed.get(b))).toEqual([1, 1]);
      }
      expect(acknowledged.filter((b) => !consumed.has(b))).toEqual([]);
    } finally {
      broker.thaw();
      await kafka.close();
    }
  }, 120_000);
});
