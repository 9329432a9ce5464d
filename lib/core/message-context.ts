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

type Disposition = 'dead-lettered' | 'duplicate';

const STATE = Symbol('nestream:delivery-state');

/**
 * The consume chain's bookkeeping for one delivery. Only the built-in interceptors write it
 * (through `deliveryState(ctx)`, which the package does not export); handlers read it through
 * MessageContext's getters.
 */
export class DeliveryState {
  /** Decoded (and, for contract handlers, validated) payload. */
  payload: unknown = undefined;
  /** Set by the upcast step: the body decoded and upcast to the handler's version, for payload to validate instead of the body. */
  upcast?: { readonly value: unknown };
  correlationId = '';
  attempt: number;
  firstFailureAt?: Date;
  lastFailureAt?: Date;
  /** Set when the chain finished the message without running it to success; telemetry reads it. */
  disposition?: Disposition;
  /** The error that sent the message to the dead letter (for spans and logs). */
  deadLetterError?: unknown;
  /** Retries scheduled for this delivery: in-process re-runs, or one native nack-with-delay. */
  retries = 0;

  constructor(
    private readonly ctx: MessageContext,
    private readonly headers: MessageHeaders,
  ) {
    this.attempt = ctx.message.deliveryAttempt || 1;
  }

  get handler(): string {
    return this.ctx.handler;
  }

  get topic(): string {
    return this.ctx.topic;
  }

  touch(): Promise<void> {
    return this.ctx.touch();
  }

  setAttempt(attempt: number): void {
    this.attempt = attempt;
    this.headers[Headers.attempt] = String(attempt);
  }

  /** The chain's additions to the headers a handler sees (the correlation id it runs under). */
  setHeader(name: string, value: string): void {
    this.headers[name] = value;
  }

  recordRetry(): void {
    this.retries++;
  }

  recordFailure(at = new Date()): void {
    this.firstFailureAt ??= at;
    this.lastFailureAt = at;
  }
}

/** The chain's writable state behind a context. Internal: not exported from the package. */
export function deliveryState(ctx: MessageContext): DeliveryState {
  return ctx[STATE];
}

/**
 * What a handler sees of one delivery (`@Ctx() ctx: MessageContext`): read-only facts about
 * the message and the run, and the means to settle it by hand (`ack: 'manual'`). Transports
 * may hand a subclass with broker-specific getters (KafkaContext, NatsContext, ...).
 */
export class MessageContext {
  readonly transport: string;
  readonly group: string;
  readonly handler: string;
  readonly message: InboundMessage;
  /** The message's headers, plus `x-attempt` for the current run. */
  readonly headers: Readonly<MessageHeaders>;
  /** @internal */
  readonly [STATE]: DeliveryState;
  private readonly delivery: Delivery;
  private settlement?: 'ack' | 'nack' | 'reject';
  private metadataCache?: EventMetadata;

  constructor(init: MessageContextInit) {
    this.delivery = init.delivery;
    this.message = init.delivery.message;
    this.transport = init.transport;
    this.group = init.group;
    this.handler = init.handler;
    const headers = { ...this.message.headers };
    this.headers = headers;
    this[STATE] = new DeliveryState(this, headers);
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

  /** Decoded (and, for contract handlers, validated) payload. */
  get payload(): unknown {
    return this[STATE].payload;
  }

  /** The correlation id this handler runs under (incoming, or new when absent). */
  get correlationId(): string {
    return this[STATE].correlationId;
  }

  /** 1-based attempt of the current handler run. */
  get attempt(): number {
    return this[STATE].attempt;
  }

  get firstFailureAt(): Date | undefined {
    return this[STATE].firstFailureAt;
  }

  get lastFailureAt(): Date | undefined {
    return this[STATE].lastFailureAt;
  }

  /** Retries scheduled for this delivery so far. */
  get retries(): number {
    return this[STATE].retries;
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
}
