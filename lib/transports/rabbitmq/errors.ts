/** A queue, exchange or binding the broker refused to declare (406 PRECONDITION_FAILED, 404 NOT_FOUND, ...). */
export class RabbitTopologyError extends Error {
  override readonly name = 'RabbitTopologyError';
  constructor(
    /** e.g. `queue "orders"`, `exchange "events"`, `binding of queue "q" to exchange "x"`. */
    readonly entity: string,
    /** AMQP reply code: 406 for a declaration mismatch, 404 for a missing exchange. */
    readonly code: number | undefined,
    /** The broker's reply text, which names the differing argument. */
    readonly serverMessage: string,
    options?: { cause?: unknown },
  ) {
    super(`RabbitMQ refused to declare ${entity}: ${serverMessage}`, options);
  }
}

/** A mandatory publish that no queue was bound for (basic.return). */
export class RabbitUnroutableError extends Error {
  override readonly name = 'RabbitUnroutableError';
  constructor(exchange: string, routingKey: string, replyText: string) {
    super(`RabbitMQ returned a mandatory message to exchange "${exchange}" with routing key "${routingKey}": ${replyText}`);
  }
}

/** The broker's own words from an amqplib channel-close error, e.g. `PRECONDITION_FAILED - inequivalent arg ...`. */
export function serverReplyText(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return /with message "(.*)"/s.exec(message)?.[1] ?? message;
}

export function replyCode(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'number' ? code : undefined;
}
