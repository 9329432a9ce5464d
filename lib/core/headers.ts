/**
 * Every header nestream reads or writes, in one place. `correlation_id` and `content-type`
 * are FastStream's names, so nestream and FastStream services can share a topic.
 */
export const Headers = {
  contentType: 'content-type',
  correlationId: 'correlation_id',
  messageId: 'message_id',
  eventType: 'x-event-type',
  eventVersion: 'x-event-version',
  /**
   * Every version one event was published in, newest first, on each copy (a producer that
   * downcasts): a consumer handles the one copy nearest its own version and skips the others.
   */
  eventVersions: 'x-event-versions',
  occurredAt: 'x-occurred-at',
  source: 'x-source',
  idempotencyKey: 'x-idempotency-key',
  /** 1-based attempt number of the handler run that sees it. */
  attempt: 'x-attempt',
  /** Where the reply to a request goes (FastStream's header; NATS core and RabbitMQ use the broker's own field). */
  replyTo: 'reply_to',
} as const;

/** Headers added to a dead-lettered copy; the original body and headers are kept as they were. */
export const DeadLetterHeaders = {
  reason: 'x-dlq-reason',
  errorName: 'x-dlq-error-name',
  errorMessage: 'x-dlq-error-message',
  errorStack: 'x-dlq-error-stack',
  validationErrors: 'x-dlq-validation-errors',
  originalTopic: 'x-dlq-original-topic',
  originalTransport: 'x-dlq-original-transport',
  handler: 'x-dlq-handler',
  consumerGroup: 'x-dlq-consumer-group',
  attempts: 'x-dlq-attempts',
  firstFailureAt: 'x-dlq-first-failure-at',
  lastFailureAt: 'x-dlq-last-failure-at',
} as const;

/** Headers a dead letter replayed by the DeadLetters service carries, besides its original ones. */
export const ReplayHeaders = {
  /** `<transport>:<dead-letter topic>` the message was replayed from. */
  replayedFrom: 'x-replayed-from',
  /** How many times it has been replayed; a dead letter keeps it, so a replay that fails again counts on. */
  replayCount: 'x-replay-count',
} as const;

/** On an error reply: the handler's error, so the caller's promise rejects with a RemoteHandlerError. */
export const ReplyHeaders = {
  errorName: 'x-error-name',
  errorMessage: 'x-error-message',
} as const;

export const ContentTypes = {
  json: 'application/json',
  text: 'text/plain',
  bytes: 'application/octet-stream',
} as const;

export type MessageHeaders = Record<string, string>;
