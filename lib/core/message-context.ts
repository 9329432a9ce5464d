import { Headers, type MessageHeaders } from './headers.js';
import { readEventMetadata, type EventMetadata } from './event-metadata.js';
import type { Delivery, InboundMessage, NackOptions } from './message.js';

export interface MessageContextInit {
  readonly delivery: Delivery;
  /** Name of the transport in the module options ('kafka', 'memory', ...). */
  readonly transport: string;
  readonly group: string;
  /** `Class.method` of the handler. */
  readonly handler: string;
}

/**
 * What a handler sees of one delivery (`@Ctx() ctx: MessageContext`). Transports may hand a
 * subclass with broker-specific getters (KafkaContext, NatsContext, ...).
 */
export class MessageContext {
  readonly transport: string;
  readonly group: string;
  readonly handler: string;
  readonly message: InboundMessage;
  /** The message's headers, plus `x-attempt` for the current run. */
  readonly headers: MessageHeaders;
  /** Decoded (and, for contract handlers, validated) payload; set by the consume chain. */
  payload: unknown = undefined;
  /** The correlation id this handler runs under (incoming, or new when absent). */
  correlationId = '';
  /** 1-based attempt of the current handler run. */
  attempt: number;
  firstFailureAt?: Date;
  lastFailureAt?: Date;
  /** Set when the chain finished the message without running it to success; telemetry reads it. */
  disposition?: 'dead-lettered' | 'duplicate';
  /** The error that sent the message to the dead letter (for spans and logs). */
  deadLetterError?: unknown;
  /** Retries scheduled for this delivery: in-process re-runs, or one native nack-with-delay. */
  retries = 0;
  private readonly delivery: Delivery;
  private settlement?: 'ack' | 'nack' | 'reject';
  private metadataCache?: EventMetadata;

  constructor(init: MessageContextInit) {
    this.delivery = init.delivery;
    this.message = init.delivery.message;
    this.transport = init.transport;
    this.group = init.group;
    this.handler = init.handler;
    this.headers = { ...this.message.headers };
    this.attempt = this.message.deliveryAttempt || 1;
  }

  get topic(): string {
    return this.message.topic;
  }

  get key(): string | undefined {
    return this.message.key;
  }

  get event(): EventMetadata {
    return (this.metadataCache ??= readEventMetadata(this.headers));
  }

  /** The broker's own message object. */
  raw<T = unknown>(): T {
    return this.message.raw as T;
  }

  get settled(): 'ack' | 'nack' | 'reject' | undefined {
    return this.settlement;
  }

  /** Settles once; later calls are ignored, so a handler and the chain cannot both settle. */
  async ack(): Promise<void> {
    if (this.settlement) return;
    this.settlement = 'ack';
    await this.delivery.ack();
  }

  async nack(options?: NackOptions): Promise<void> {
    if (this.settlement) return;
    this.settlement = 'nack';
    await this.delivery.nack(options);
  }

  async reject(): Promise<void> {
    if (this.settlement) return;
    this.settlement = 'reject';
    await this.delivery.reject();
  }

  /** Keep a long-running handler's message from being redelivered (no-op where not needed). */
  async touch(): Promise<void> {
    await this.delivery.touch?.();
  }

  setAttempt(attempt: number): void {
    this.attempt = attempt;
    this.headers[Headers.attempt] = String(attempt);
  }

  recordRetry(): void {
    this.retries++;
  }

  recordFailure(at = new Date()): void {
    this.firstFailureAt ??= at;
    this.lastFailureAt = at;
  }
}
