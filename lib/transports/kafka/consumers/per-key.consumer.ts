import type { PartitionConsumer } from './partition.js';

/**
 * `perKeyConcurrency`: messages of different keys overlap (bounded by the subscription's
 * slots), each key stays in offset order, keyless messages are not ordered. Offsets are still
 * committed in order, never past an unsettled message.
 */
export const perKeyConsumer: PartitionConsumer = async (messages, run) => {
  const lastOfKey = new Map<string, Promise<boolean>>();
  const all: Promise<boolean>[] = [];
  for (const message of messages) {
    const key = message.key?.toString('utf8');
    const previous = key === undefined ? undefined : lastOfKey.get(key);
    // A key whose earlier message was abandoned (close, rebalance) starts nothing more.
    const next = previous ? previous.then((ok) => ok && run([message])) : run([message]);
    if (key !== undefined) lastOfKey.set(key, next);
    all.push(next);
  }
  await Promise.all(all);
};
