import type { KafkaMessage } from 'kafkajs';
import { MessageContext } from '../../core/message-context.js';

/** A fetched record, as the client hands it (kafkajs' `KafkaMessage`: key and value as Buffers). */
export type KafkaRecord = KafkaMessage;

/** `InboundMessage.raw` of a Kafka delivery: the same shape as kafkajs' `EachMessagePayload`. */
export interface KafkaRawMessage {
  readonly topic: string;
  readonly partition: number;
  readonly message: KafkaRecord;
  /** Sends a group heartbeat now (rate-limited by kafkajs to `heartbeatInterval`). */
  heartbeat(): Promise<void>;
}

/** `@Ctx() ctx: KafkaContext` in a Kafka subscriber. */
export class KafkaContext extends MessageContext {
  private get kafka(): KafkaRawMessage {
    return this.message.raw as KafkaRawMessage;
  }

  get partition(): number {
    return this.kafka.partition;
  }

  /** The record's offset (a 64-bit integer, hence a string). */
  get offset(): string {
    return this.kafka.message.offset;
  }

  /** When the record was produced (or appended, per the topic's timestamp type). */
  get timestamp(): Date {
    return new Date(Number(this.kafka.message.timestamp));
  }

  /** The kafkajs message (key and value as Buffers, headers as received). */
  get kafkaMessage(): KafkaMessage {
    return this.kafka.message;
  }

  /** Tells the group coordinator this member is alive; call it from very long handlers. */
  heartbeat(): Promise<void> {
    return this.kafka.heartbeat();
  }
}
