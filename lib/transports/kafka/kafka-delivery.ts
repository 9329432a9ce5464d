import type { IHeaders } from 'kafkajs';
import type { MessageHeaders } from '../../core/headers.js';
import type { Delivery, InboundMessage } from '../../core/message.js';
import type { KafkaRawMessage } from './kafka.context.js';

/** How the pipeline settled one delivery; a nack carries its requested delay. */
export type Settlement = { kind: 'done' } | { kind: 'nack'; delayMs: number };

export interface KafkaDeliveryInit {
  readonly raw: KafkaRawMessage;
  readonly attempt: number;
  /** Called once, with the first settlement. */
  readonly onSettle: (settlement: Settlement) => void;
}

/**
 * A Delivery over one Kafka record. Settling only records the outcome: offsets are committed
 * in order and in batches by the consumer, so ack/reject resolve at once. `touch()` heartbeats.
 */
export function createKafkaDelivery({ raw, attempt, onSettle }: KafkaDeliveryInit): Delivery & { readonly settled: boolean } {
  let settled = false;
  const settle = (settlement: Settlement): Promise<void> => {
    if (!settled) {
      settled = true;
      onSettle(settlement);
    }
    return Promise.resolve();
  };
  return {
    message: toInboundMessage(raw, attempt),
    get settled() {
      return settled;
    },
    ack: () => settle({ kind: 'done' }),
    reject: () => settle({ kind: 'done' }),
    nack: (options) => settle({ kind: 'nack', delayMs: Math.max(0, options?.delayMs ?? 0) }),
    // A heartbeat refused during a rebalance is not the handler's problem; the consumer reacts to it.
    touch: () => raw.heartbeat().catch(() => undefined),
  };
}

function toInboundMessage(raw: KafkaRawMessage, attempt: number): InboundMessage {
  const { message } = raw;
  return {
    topic: raw.topic,
    body: message.value ?? Buffer.alloc(0),
    headers: decodeHeaders(message.headers),
    key: message.key == null ? undefined : message.key.toString('utf8'),
    deliveryAttempt: attempt,
    redelivered: attempt > 1,
    raw,
  };
}

/** Header values arrive as Buffers (or arrays of them when repeated); the last value wins. */
export function decodeHeaders(headers: IHeaders | undefined): MessageHeaders {
  const decoded: MessageHeaders = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const last = Array.isArray(value) ? value[value.length - 1] : value;
    if (last !== undefined) decoded[name] = Buffer.isBuffer(last) ? last.toString('utf8') : String(last);
  }
  return decoded;
}
