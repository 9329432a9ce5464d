import { describe, expect, it } from '@jest/globals';
import { KafkaTransport } from '../../lib/transports/kafka/index.js';

/** topics.minInsyncReplicas is checked in the constructor (no broker is contacted): a bad value names itself before the first publish. */
describe('Kafka topics.minInsyncReplicas', () => {
  const make = (topics: ConstructorParameters<typeof KafkaTransport>[0]['topics']) => () => new KafkaTransport({ brokers: ['127.0.0.1:1'], library: 'kafkajs', topics });

  it('takes a positive integer not above the replication factor', () => {
    expect(make({ replicationFactor: 3, minInsyncReplicas: 2 })).not.toThrow();
    expect(make({ minInsyncReplicas: 2 })).not.toThrow(); // replication factor: the broker's default, unknown here
    expect(make({ minInsyncReplicas: 2, configEntries: [{ name: 'min.insync.replicas', value: '2' }] })).not.toThrow();
  });

  it('rejects zero, fractions and non-numbers', () => {
    expect(make({ minInsyncReplicas: 0 })).toThrow('Kafka topics.minInsyncReplicas must be a positive integer, got 0');
    expect(make({ minInsyncReplicas: 1.5 })).toThrow('must be a positive integer, got 1.5');
    expect(make({ minInsyncReplicas: '2' as unknown as number })).toThrow('must be a positive integer, got 2');
  });

  it('rejects more than the replication factor: no acks=all write could succeed', () => {
    expect(make({ replicationFactor: 1, minInsyncReplicas: 2 })).toThrow('Kafka topics.minInsyncReplicas (2) exceeds topics.replicationFactor (1)');
  });

  it('rejects a different min.insync.replicas in configEntries', () => {
    expect(make({ minInsyncReplicas: 2, configEntries: [{ name: 'min.insync.replicas', value: '1' }] })).toThrow(
      "Kafka topics.minInsyncReplicas (2) contradicts configEntries' min.insync.replicas (1)",
    );
  });
});
