import type { KafkaTopicOptions } from './kafka.options.js';

/**
 * The topic configs of a topic the transport creates: `configEntries` with `minInsyncReplicas`
 * added as `min.insync.replicas`. That is what makes `acks: all` mean "on at least that many
 * replicas": with the broker's default of 1, an acknowledged write may live on the leader alone
 * and die with it. Bad values fail here, in the constructor, not at the first publish.
 */
export function topicConfigEntries(topics: KafkaTopicOptions): KafkaTopicOptions['configEntries'] {
  const { minInsyncReplicas: min, replicationFactor, configEntries } = topics;
  if (min === undefined) return configEntries;
  if (!Number.isInteger(min) || min < 1) throw new Error(`Kafka topics.minInsyncReplicas must be a positive integer, got ${String(min)}`);
  if (replicationFactor !== undefined && replicationFactor > 0 && min > replicationFactor) {
    // Every acks=all produce would fail with NOT_ENOUGH_REPLICAS.
    throw new Error(`Kafka topics.minInsyncReplicas (${min}) exceeds topics.replicationFactor (${replicationFactor}): no write could be acknowledged`);
  }
  const given = configEntries?.find((e) => e.name === 'min.insync.replicas');
  if (given && given.value !== String(min)) {
    throw new Error(`Kafka topics.minInsyncReplicas (${min}) contradicts configEntries' min.insync.replicas (${given.value}): set one of them`);
  }
  return given ? configEntries : [...(configEntries ?? []), { name: 'min.insync.replicas', value: String(min) }];
}
