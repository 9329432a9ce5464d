import { afterAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { BrowsedMessage } from '../../lib/core/browse.js';
import { KafkaTransport, type KafkaClientLibrary } from '../../lib/transports/kafka/index.js';
import { endpoints } from '../brokers/endpoints.js';
import { describeDeadLetterReplay } from './replay.scenario.js';

const LIBRARIES: KafkaClientLibrary[] = ['kafkajs', 'platformatic'];

const kafka = (library: KafkaClientLibrary, clientId = 'nestream-dlq-spec') =>
  new KafkaTransport({ library, brokers: endpoints.kafkaBrokers(), clientId, topics: { numPartitions: 2 } });

// The shared dead-letter scenario, once per client: both browse through the replay group.
for (const library of LIBRARIES) {
  describeDeadLetterReplay({
    broker: `kafka-${library}`,
    transport: () => kafka(library),
    subscriberOptions: { fromBeginning: true },
    waitMs: 90_000,
  });
}

/**
 * The replay group's committed offsets and removed-offsets metadata are one state in the
 * broker, whichever client wrote them: records removed by one client stay removed for the other.
 */
describe('a Kafka dead-letter topic browsed by both clients', () => {
  const topic = `dlq-kafka-both-${randomUUID().slice(0, 8)}.dlq`;
  const transports = { kafkajs: kafka('kafkajs', 'nestream-dlq-both'), platformatic: kafka('platformatic', 'nestream-dlq-both') };
  // 5 records on each of the 2 partitions, keyed by where they are: `p<partition>-<n>`.
  const all = [0, 1].flatMap((partition) => [0, 1, 2, 3, 4].map((n) => `p${partition}-${n}`));

  const browse = async (library: KafkaClientLibrary, remove: readonly string[] = []): Promise<string[]> => {
    const browsed = await transports[library].browse(topic, 1_000);
    try {
      const byKey = new Map(browsed.messages.map((m: BrowsedMessage) => [m.key!, m]));
      for (const key of remove) await browsed.remove(byKey.get(key)!);
      return browsed.messages.map((m) => m.key!).sort();
    } finally {
      await browsed.release();
    }
  };

  afterAll(async () => {
    await Promise.allSettled(Object.values(transports).map((t) => t.close()));
  });

  it('shows each client what the other removed, at the head (committed offset) and beyond it (commit metadata)', async () => {
    for (const key of all) {
      const [partition] = key.slice(1).split('-').map(Number) as [number];
      await transports.kafkajs.publish({ topic, body: Buffer.from(key), headers: { 'x-key': key }, key, options: { partition } });
    }
    // Ids are `partition:offset`, in the order the records were published to each partition.
    const first = await transports.platformatic.browse(topic, 1_000);
    expect(first.messages.map((m) => `${m.id}=${m.key}`).sort()).toEqual(all.map((key) => `${key[1]}:${key.slice(3)}=${key}`).sort());
    await first.release();

    // kafkajs removes p0's head (0, 1) and, beyond the head, p0-3 and p1-2.
    expect(await browse('kafkajs', ['p0-0', 'p0-1', 'p0-3', 'p1-2'])).toEqual(all);
    const afterKafkajs = all.filter((key) => !['p0-0', 'p0-1', 'p0-3', 'p1-2'].includes(key));
    // @platformatic/kafka sees exactly the rest, and removes p0-2 (the head moves past 3, removed before) and p1-4.
    expect(await browse('platformatic', ['p0-2', 'p1-4'])).toEqual(afterKafkajs);
    const afterBoth = afterKafkajs.filter((key) => !['p0-2', 'p1-4'].includes(key));
    expect(afterBoth).toEqual(['p0-4', 'p1-0', 'p1-1', 'p1-3']);
    // And kafkajs sees what @platformatic/kafka left; a second look of either changes nothing.
    expect(await browse('kafkajs')).toEqual(afterBoth);
    expect(await browse('platformatic')).toEqual(afterBoth);
    // Removing the rest leaves nothing to either.
    await browse('platformatic', ['p0-4', 'p1-0']);
    await browse('kafkajs', ['p1-1', 'p1-3']);
    expect(await browse('platformatic')).toEqual([]);
    expect(await browse('kafkajs')).toEqual([]);
  }, 180_000);
});
