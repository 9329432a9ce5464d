import { Headers } from '../../core/headers.js';
import type { InboundMessage } from '../../core/message.js';
import { settleOnce, type SettleOnceDelivery } from '../kit/settle-once.js';
import type { KafkaRawMessage } from './kafka.context.js';
import { decodeHeaders } from './kafka.headers.js';

/**
 * A Delivery over one Kafka record. Kafka has nothing to tell per message: settling only
 * records the outcome (`settlement`), and the partition's consumer commits offsets in order,
 * in batches, once they are settled. `touch()` heartbeats the group.
 */
export function kafkaDelivery(raw: KafkaRawMessage, attempt: number): SettleOnceDelivery {
  return settleOnce({
    message: toInboundMessage(raw, attempt),
    settle: () => Promise.resolve(),
    // A heartbeat refused during a rebalance is not the handler's problem; the consumer reacts to it.
    touch: () => raw.heartbeat().catch(() => undefined),
  });
}

function toInboundMessage(raw: KafkaRawMessage, attempt: number): InboundMessage {
  const { message } = raw;
  const headers = decodeHeaders(message.headers);
  return {
    topic: raw.topic,
    body: message.value ?? Buffer.alloc(0),
    headers,
    key: message.key == null ? undefined : message.key.toString('utf8'),
    // A request names its reply topic in `reply_to` (FastStream's header).
    ...(headers[Headers.replyTo] ? { replyTo: headers[Headers.replyTo] } : {}),
    // Counts the runs in this process: Kafka does not count deliveries.
    deliveryAttempt: attempt,
    redelivered: attempt > 1,
    raw,
  };
}
