import type { PartitionConsumer } from './partition.js';

/** The default: one message of the partition at a time, in offset order; a nacked one holds the rest. */
export const inOrderConsumer: PartitionConsumer = async (messages, run) => {
  for (const message of messages) if (!(await run([message]))) return;
};
