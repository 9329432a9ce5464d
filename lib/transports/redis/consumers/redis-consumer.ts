import type { ConsumerProblem } from '../redis.connection.js';

/** One subscription's consumer, whatever the mode: a stream group member or a Pub/Sub subscriber. */
export interface RedisConsumer {
  /** Stops receiving, hands back (or, where it cannot, finishes) what was received and not started, waits for started handlers. */
  close(): Promise<void>;
  /** Ends a close still finishing received messages (the transport is closing): what is left is dropped, and logged. */
  cutShort?(): void;
  /** Why it is not consuming right now, or undefined when it is. */
  problem(): ConsumerProblem | undefined;
}
