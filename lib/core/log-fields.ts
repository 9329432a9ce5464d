import type { MessageContext } from './message-context.js';

/** What a log line is about, as named fields, for JSON loggers (pino, winston). */
export type LogFields = Readonly<Record<string, unknown>>;

/** The fields of one message: event type, version and id, correlation id, topic, transport, handler, attempt. */
export function messageFields(ctx: MessageContext): Record<string, unknown> {
  const { event } = ctx;
  const fields: Record<string, unknown> = {
    event_type: event.type,
    event_id: event.id,
    correlation_id: ctx.correlationId || undefined,
    topic: ctx.topic,
    transport: ctx.transport,
    handler: ctx.handler,
    attempt: ctx.attempt,
  };
  // The version as it arrived (an upcast handler sees a newer one); left out when it has none.
  if (event.version) fields['event_version'] = event.version;
  return fields;
}

/** An error as plain fields (name, message and, where asked, the stack), the same for every logger. */
export function errorFields(error: unknown, withStack = false): Record<string, unknown> {
  const err = error instanceof Error ? error : new Error(String(error));
  return withStack ? { name: err.name, message: err.message, stack: err.stack } : { name: err.name, message: err.message };
}
