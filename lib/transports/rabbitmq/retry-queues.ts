import type { RabbitQueueOptions } from './rabbit.options.js';

/**
 * Delayed redelivery without a plugin: a copy of the message waits in `<queue>.retry.<ms>`,
 * whose message TTL dead-letters it through the default exchange straight back into `<queue>`.
 *
 * Delays are rounded up to two significant digits (1234 ms → 1300 ms, 87 ms → 87 ms), so
 * jittered backoff creates at most 90 retry queues per power of ten instead of one per delay.
 */
export function retryDelayBucket(delayMs: number): number {
  const ms = Math.max(1, Math.ceil(delayMs));
  if (ms < 100) return ms;
  const step = 10 ** (Math.floor(Math.log10(ms)) - 1);
  return Math.ceil(ms / step) * step;
}

export function retryQueueName(queue: string, bucketMs: number): string {
  return `${queue}.retry.${bucketMs}`;
}

/** A retry queue is deleted by the broker once unused for its TTL plus this, so old buckets do not pile up. */
const RETRY_QUEUE_IDLE_EXPIRY_MS = 10 * 60_000;

export function retryQueue(queue: string, bucketMs: number): RabbitQueueOptions {
  return {
    name: retryQueueName(queue, bucketMs),
    type: 'classic',
    durable: true,
    arguments: {
      'x-message-ttl': bucketMs,
      'x-dead-letter-exchange': '',
      'x-dead-letter-routing-key': queue,
      // Every retry publish re-declares the queue, which resets this idle timer.
      'x-expires': bucketMs + RETRY_QUEUE_IDLE_EXPIRY_MS,
    },
  };
}
