import type { ICustomPartitioner, RecordMetadata } from 'kafkajs';
import type { TopicRecords } from './kafka.connection.js';

/*
 * kafkajs' sendBatch retries a failed request only to the brokers that have not answered yet
 * (src/producer/sendMessages.js). When a partition's leader dies and the partition moves to a
 * broker that already took its own records in that batch, the moved partition's records are
 * never sent, and the batch still resolves. The answer says so: it has no entry for that
 * partition. These two helpers let KafkajsConnection.send() find such records and send them
 * again, with kafkajs' idempotence kept: the failed request gave their sequence numbers back.
 */

/**
 * Wraps a partitioner so that each record keeps the partition first chosen for it: on kafkajs'
 * retry a keyless record would otherwise be dealt round-robin again, possibly onto a partition
 * that was answered, and its loss would not show in the answer.
 */
export function pinningPartitioner(create: ICustomPartitioner): ICustomPartitioner {
  return () => {
    const choose = create();
    return (args) => {
      const partition = choose(args);
      // The record object is nestream's own (KafkaPublisher builds one per publish), never the caller's.
      (args.message as { partition?: number }).partition = partition;
      return partition;
    };
  };
}

/** The records of `batch` whose topic-partition has no entry in the broker's answer: kafkajs never sent them. */
export function unsentRecords(batch: readonly TopicRecords[], answers: readonly RecordMetadata[]): TopicRecords[] {
  const answered = new Set(answers.map((a) => partitionKey(a.topicName, a.partition)));
  return batch.flatMap(({ topic, messages }) => {
    const unsent = messages.filter((m) => m.partition === undefined || !answered.has(partitionKey(topic, m.partition)));
    return unsent.length > 0 ? [{ topic, messages: unsent }] : [];
  });
}

const partitionKey = (topic: string, partition: number): string => `${partition}\u0000${topic}`;
