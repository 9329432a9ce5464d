// What a run leaves on a broker, removed afterwards (with server-side expiry as a backstop),
// so repeated benchmark runs do not fill the brokers.
import { endpoints } from '../../test/brokers/endpoints.js';

export const KAFKA_PARTITIONS = 3;
export const QUEUE_EXPIRES_MS = 60_000;
export const STREAM_MAX_AGE_MS = 10 * 60_000;

export async function deleteKafkaTopics(topics: string[]): Promise<void> {
  const { Kafka, logLevel } = await import('kafkajs');
  const admin = new Kafka({ brokers: endpoints.kafkaBrokers(), clientId: 'bench-cleanup', logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    await admin.deleteTopics({ topics, timeout: 10_000 }).catch(() => undefined);
  } finally {
    await admin.disconnect();
  }
}

export async function createKafkaTopic(topic: string): Promise<void> {
  const { Kafka, logLevel } = await import('kafkajs');
  const admin = new Kafka({ brokers: endpoints.kafkaBrokers(), clientId: 'bench-setup', logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: KAFKA_PARTITIONS }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}

/** Streams whose subjects start with the run's topic (the topic's own stream and its dead letters). */
export async function deleteJetStreams(topic: string): Promise<void> {
  const { connect } = await import('@nats-io/transport-node');
  const { jetstreamManager } = await import('@nats-io/jetstream');
  const nc = await connect({ servers: endpoints.natsUrl() });
  try {
    const jsm = await jetstreamManager(nc);
    for await (const info of jsm.streams.list()) {
      if (info.config.subjects?.some((s) => s === topic || s.startsWith(`${topic}.`))) await jsm.streams.delete(info.config.name);
    }
  } finally {
    await nc.close();
  }
}

export async function deleteRedisKeys(keys: string[]): Promise<void> {
  const { Redis } = await import('ioredis');
  const redis = new Redis(endpoints.redisUrl(), { lazyConnect: true });
  await redis.connect();
  try {
    await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}
