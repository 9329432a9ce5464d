import { ContentTypes, DeadLetterHeaders, Headers } from '../core/headers.js';
import type { ContractMetadata } from '../core/contract.js';
import { TRACEPARENT, TRACESTATE } from '../observability/w3c-trace-context.js';
import type { JsonSchema } from './asyncapi-document.js';

const text = (description: string, extra: JsonSchema = {}): JsonSchema => ({ type: 'string', description, ...extra });

/** What nestream stamps on every publish (MessageBus.send and the publish chain), on every broker. */
function eventHeaders(contract: ContractMetadata | undefined, contentType: string | undefined): Record<string, JsonSchema> {
  return {
    [Headers.contentType]: text('How the body is encoded (FastStream\'s header name).', contentType ? { const: contentType } : {}),
    [Headers.messageId]: text('Unique id of this message (a UUID unless the publisher gave one).'),
    [Headers.correlationId]: text('Shared by every message of one flow: inherited from the handler or HTTP request that published it (FastStream\'s header name).'),
    [Headers.eventType]: text('The event type.', contract ? { const: contract.name } : {}),
    ...(contract?.version ? { [Headers.eventVersion]: text('The version of the event contract.', { const: contract.version }) } : {}),
    [Headers.occurredAt]: text('When it was published.', { format: 'date-time' }),
    [Headers.source]: text('The `serviceName` of the publishing service.'),
    [Headers.idempotencyKey]: text('Present when the publisher gave one; handlers with `idempotent: true` skip a key they processed.'),
    [TRACEPARENT]: text('W3C Trace Context, when tracing is on.'),
    [TRACESTATE]: text('W3C Trace Context, when tracing is on.'),
  };
}

const ALWAYS_SENT = [Headers.contentType, Headers.messageId, Headers.correlationId, Headers.eventType, Headers.occurredAt, Headers.source];

/** The headers of an event message; `x-event-type` / `x-event-version` are fixed by its contract. */
export function eventHeadersSchema(contract: ContractMetadata | undefined): JsonSchema {
  const required = contract?.version ? [...ALWAYS_SENT, Headers.eventVersion] : ALWAYS_SENT;
  return { type: 'object', properties: eventHeaders(contract, contract ? ContentTypes.json : undefined), required };
}

/** A dead-lettered copy: the original headers as they arrived, plus why it failed. */
export function deadLetterHeadersSchema(): JsonSchema {
  return {
    type: 'object',
    properties: {
      ...eventHeaders(undefined, undefined),
      [DeadLetterHeaders.reason]: text('Why it was dead-lettered.', {
        enum: ['handler-failed', 'validation-failed', 'invalid-json', 'forbidden-key', 'too-large', 'undecodable'],
      }),
      [DeadLetterHeaders.errorName]: text('Name of the last error.'),
      [DeadLetterHeaders.errorMessage]: text('Message of the last error.'),
      [DeadLetterHeaders.errorStack]: text('Stack of the last error (truncated).'),
      [DeadLetterHeaders.validationErrors]: text('JSON array of the contract\'s validation issues, when validation failed (truncated).'),
      [DeadLetterHeaders.originalTopic]: text('Topic the message was consumed from.'),
      [DeadLetterHeaders.originalTransport]: text('Transport the message was consumed from.'),
      [DeadLetterHeaders.handler]: text('`Class.method` of the handler that gave up.'),
      [DeadLetterHeaders.consumerGroup]: text('Group of that handler.'),
      [DeadLetterHeaders.attempts]: text('Attempts made, the first included.', { pattern: '^[0-9]+$' }),
      [DeadLetterHeaders.firstFailureAt]: text('When the first attempt failed.', { format: 'date-time' }),
      [DeadLetterHeaders.lastFailureAt]: text('When the last attempt failed.', { format: 'date-time' }),
    },
    required: [
      DeadLetterHeaders.reason,
      DeadLetterHeaders.errorName,
      DeadLetterHeaders.errorMessage,
      DeadLetterHeaders.originalTopic,
      DeadLetterHeaders.originalTransport,
      DeadLetterHeaders.handler,
      DeadLetterHeaders.consumerGroup,
      DeadLetterHeaders.attempts,
    ],
  };
}
