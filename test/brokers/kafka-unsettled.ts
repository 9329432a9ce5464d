import { endpoints } from './endpoints.js';

/**
 * Asks the broker: the topic's end offsets minus the group's committed offsets, over all
 * partitions (a partition the group never committed counts from its low offset). The group is
 * the Kafka consumer group of the same name, as KafkaTransport uses `SubscribeRequest.group`
 * (on either client library: the answer comes from the broker).
 */
export async function unsettled(topic: string, group: string): Promise<number> {
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
