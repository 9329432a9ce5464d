import { describe, expect, it } from '@jest/globals';
import { Partitioners, type PartitionMetadata } from 'kafkajs';
import type { OutgoingRecord, TopicRecords } from '../../lib/transports/kafka/kafka.connection.js';
import { pinningPartitioner, unsentRecords } from '../../lib/transports/kafka/kafkajs.unsent-records.js';

const record = (key: string | null, partition?: number): OutgoingRecord => ({ key, value: Buffer.from('{}'), headers: {}, ...(partition !== undefined && { partition }) });
const answer = (topicName: string, partition: number) => ({ topicName, partition, errorCode: 0, baseOffset: '0' });
const partitions = (count: number): PartitionMetadata[] =>
  Array.from({ length: count }, (_, partitionId) => ({ partitionId, leader: 1, replicas: [1], isr: [1], offlineReplicas: [], partitionErrorCode: 0 }));

describe('kafkajs records resolved without being sent (a partition leader moved)', () => {
  it('finds the records of partitions missing from the answer, per topic', () => {
    const a0 = record('k', 0);
    const a1 = record('k', 1);
    const b1 = record('k', 1);
    const batch: TopicRecords[] = [
      { topic: 'a', messages: [a0, a1] },
      { topic: 'b', messages: [b1] },
    ];
    // Partition 1 of "a" had moved to the broker that answered for "a"[0] and "b"[1] already.
    expect(unsentRecords(batch, [answer('a', 0), answer('b', 1)])).toEqual([{ topic: 'a', messages: [a1] }]);
    expect(unsentRecords(batch, [answer('a', 0), answer('a', 1), answer('b', 1)])).toEqual([]);
  });

  it('counts a record no partitioner saw as unsent', () => {
    const unpartitioned = record(null);
    expect(unsentRecords([{ topic: 'a', messages: [unpartitioned] }], [answer('a', 0)])).toEqual([{ topic: 'a', messages: [unpartitioned] }]);
  });

  it("pins a keyless record to its first partition, where kafkajs' round-robin would move it on a retry", () => {
    const choose = pinningPartitioner(Partitioners.DefaultPartitioner)();
    const partitionMetadata = partitions(3);
    const keyless = record(null) as OutgoingRecord & { partition?: number };
    const first = choose({ topic: 'a', partitionMetadata, message: keyless as never });
    expect(keyless.partition).toBe(first);
    // The round-robin counter moves on for other records; the pinned one stays.
    choose({ topic: 'a', partitionMetadata, message: record(null) as never });
    expect(choose({ topic: 'a', partitionMetadata, message: keyless as never })).toBe(first);
  });

  it("keeps a keyed record on its key's partition", () => {
    const choose = pinningPartitioner(Partitioners.DefaultPartitioner)();
    const plain = Partitioners.DefaultPartitioner();
    const partitionMetadata = partitions(6);
    for (const key of ['order-1', 'order-2', 'customer-9']) {
      const keyed = record(key);
      expect(choose({ topic: 'a', partitionMetadata, message: keyed as never })).toBe(plain({ topic: 'a', partitionMetadata, message: { key, value: null } }));
    }
  });
});
