import type { PartitionConsumer } from './partition.js';

/**
 * Batch subscriptions: the partition's fetch in chunks of at most `maxSize`, one chunk at a
 * time, in offset order; a chunk with nacked messages runs those again before the next chunk.
 */
export function chunkedConsumer(maxSize: number): PartitionConsumer {
  const size = Math.max(1, maxSize);
  return async (messages, run) => {
    for (let start = 0; start < messages.length; start += size) {
      if (!(await run(messages.slice(start, start + size)))) return;
    }
  };
}
