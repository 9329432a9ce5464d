import type { BrowsedMessage } from '../core/browse.js';
import { DeadLetterHeaders, Headers, ReplayHeaders } from '../core/headers.js';

/** One dead letter as the DeadLetters service shows it: what failed, where, how often, how long ago. */
export interface DeadLetter {
  /** The broker's id of the message on the dead-letter topic (stream id, `partition:offset`, sequence, ...). */
  readonly id: string;
  /** The dead-letter topic and transport it was read from. */
  readonly topic: string;
  readonly transport: string;
  /** Where the message was consumed when it failed (`x-dlq-original-*`); replay sends it back there. */
  readonly originalTopic?: string;
  readonly originalTransport?: string;
  readonly handler?: string;
  readonly group?: string;
  /** `handler-failed`, `validation-failed`, `body-too-large`, ... (`x-dlq-reason`). */
  readonly reason?: string;
  readonly attempts?: number;
  readonly error: { readonly name?: string; readonly message?: string; readonly stack?: string };
  readonly firstFailureAt?: Date;
  readonly lastFailureAt?: Date;
  /** Milliseconds since the last failure (or since the broker stored it). */
  readonly ageMs?: number;
  /** How often it was replayed already (`x-replay-count`); replay stops at `maxReplays`. */
  readonly replayCount: number;
  readonly eventId?: string;
  readonly eventType?: string;
  readonly correlationId?: string;
  readonly key?: string;
}

/** A dead letter with what `peek` adds: every header and the body. */
export interface DeadLetterMessage extends DeadLetter {
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
  /** The body as text when it is UTF-8, for a person to read. */
  readonly bodyText?: string;
}

export function deadLetterOf(message: BrowsedMessage, topic: string, transport: string, now = Date.now()): DeadLetter {
  const h = message.headers;
  const lastFailureAt = dateOf(h[DeadLetterHeaders.lastFailureAt]);
  const since = lastFailureAt ?? message.storedAt;
  return {
    id: message.id,
    topic,
    transport,
    originalTopic: h[DeadLetterHeaders.originalTopic],
    originalTransport: h[DeadLetterHeaders.originalTransport],
    handler: h[DeadLetterHeaders.handler],
    group: h[DeadLetterHeaders.consumerGroup],
    reason: h[DeadLetterHeaders.reason],
    attempts: numberOf(h[DeadLetterHeaders.attempts]),
    error: { name: h[DeadLetterHeaders.errorName], message: h[DeadLetterHeaders.errorMessage], stack: h[DeadLetterHeaders.errorStack] },
    firstFailureAt: dateOf(h[DeadLetterHeaders.firstFailureAt]),
    lastFailureAt,
    ageMs: since ? Math.max(0, now - since.getTime()) : undefined,
    replayCount: numberOf(h[ReplayHeaders.replayCount]) ?? 0,
    eventId: h[Headers.messageId],
    eventType: h[Headers.eventType],
    correlationId: h[Headers.correlationId],
    key: message.key,
  };
}

export function deadLetterMessageOf(message: BrowsedMessage, topic: string, transport: string, now = Date.now()): DeadLetterMessage {
  const text = message.body.toString('utf8');
  const isText = !text.includes('\uFFFD');
  return { ...deadLetterOf(message, topic, transport, now), headers: message.headers, body: message.body, bodyText: isText ? text : undefined };
}

function dateOf(value: string | undefined): Date | undefined {
  if (!value) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function numberOf(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}
