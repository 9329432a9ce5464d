import { Headers, type MessageHeaders } from './headers.js';

/** The contract metadata that travels in headers with every event, on every broker. */
export interface EventMetadata {
  readonly id?: string;
  readonly type?: string;
  readonly version?: string;
  readonly occurredAt?: string;
  readonly source?: string;
  readonly correlationId?: string;
  readonly idempotencyKey?: string;
}

export function readEventMetadata(headers: MessageHeaders): EventMetadata {
  return {
    id: headers[Headers.messageId],
    type: headers[Headers.eventType],
    version: headers[Headers.eventVersion],
    occurredAt: headers[Headers.occurredAt],
    source: headers[Headers.source],
    correlationId: headers[Headers.correlationId],
    idempotencyKey: headers[Headers.idempotencyKey],
  };
}
