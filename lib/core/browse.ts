import type { MessageHeaders } from './headers.js';

/** A message read from a topic and left there (dead-letter inspection and replay). */
export interface BrowsedMessage {
  /** Where the broker holds it: a stream entry id, `partition:offset`, a stream sequence, a queue position. */
  readonly id: string;
  readonly body: Buffer;
  readonly headers: MessageHeaders;
  readonly key?: string;
  /** When the broker stored it, where the broker says. */
  readonly storedAt?: Date;
}

/**
 * Messages of one topic held for a look (`Transport.browse`): none is consumed. Each may be
 * removed for good once dealt with (replayed); `release()` leaves the rest where they were
 * and frees what browsing held (RabbitMQ: the messages got, requeued; Kafka: the consumer).
 */
export interface BrowsedMessages {
  readonly messages: readonly BrowsedMessage[];
  remove(message: BrowsedMessage): Promise<void>;
  release(): Promise<void>;
}
