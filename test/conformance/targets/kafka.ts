import { KafkaTransport } from '../../../lib/transports/kafka/index.js';
import { endpoints, UNREACHABLE_PORT } from '../../brokers/endpoints.js';
import type { ConformanceTarget } from '../target.js';

const target: ConformanceTarget = {
  name: 'kafka',
  brokers: ['kafka'],
  create: () =>
    new KafkaTransport({
      brokers: endpoints.kafkaBrokers(),
      clientId: 'nestream-conformance',
      topics: { numPartitions: 3 },
      // Default session timeout (30 s); a quicker heartbeat and rebalance keep group changes snappy.
      consumer: { heartbeatInterval: 1000, rebalanceTimeout: 20_000, maxWaitTimeInMs: 200 },
      commitIntervalMs: 50,
    }),
  createUnreachable: () =>
    new KafkaTransport({
      brokers: [`127.0.0.1:${UNREACHABLE_PORT}`],
      clientId: 'nestream-conformance-unreachable',
      client: { connectionTimeout: 500, retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 500 } },
      producer: { retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 500 } },
    }),
  // Each case uses a fresh group on a fresh topic; start at its beginning so nothing published
  // right after subscribe() is missed while the offsets reset.
  subscribeOptions: { fromBeginning: true },
  subscribeSettleMs: 500,
  deliveryTimeoutMs: 20_000,
  unsettled,
};

/**
 * Asks the broker: the topic's end offsets minus the group's committed offsets, over all
 * partitions (a partition the group never committed counts from its low offset). The group is
 * the Kafka consumer group of the same name, as KafkaTransport uses `SubscribeRequest.group`.
 */
async function unsettled(topic: string, group: string): Promise<number> {
  const { Kafka, logLevel } = await import('kafkajs');
  const admin = new Kafka({ brokers: endpoints.kafkaBrokers(), clientId: 'nestream-conformance-unsettled', logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(topic);
    const [committed] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    const committedOf = new Map((committed?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]));
    let total = 0n;
    for (const { partition, high, low } of ends) {
      const from = committedOf.get(partition) ?? -1n;
      total += BigInt(high) - (from >= 0n ? from : BigInt(low));
    }
    return Number(total);
  } finally {
    await admin.disconnect();
  }
}

export default target;
