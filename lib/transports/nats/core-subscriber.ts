import type { Logger } from '@nestjs/common';
import type { Msg, Subscription as NatsSubscription } from '@nats-io/transport-node';
import { Deque } from '../../core/deque.js';
import type { Delivery, InboundMessage } from '../../core/message.js';
import type { SubscribeRequest, Subscription } from '../../core/transport.js';
import type { NatsConnectionHolder } from './nats-connection.js';
import { fromNatsHeaders } from './nats-headers.js';
import { NatsDefaults } from './nats.options.js';

const dropReportIntervalMs = 10_000;

/**
 * A core NATS subscription (queue group = consumer group). Core NATS is at-most-once: there is
 * nothing to ack, and a message the handler fails on is gone once the pipeline gives up.
 * Messages arriving while all `concurrency` slots are busy wait in a bounded buffer
 * (`maxPending` messages, `maxPendingBytes`; the limits nats.go uses by default); beyond it
 * they are dropped and counted, never buffered without limit.
 */
export class CoreSubscriber implements Subscription {
  private readonly waiting = new Deque<Msg>();
  private readonly concurrency: number;
  private readonly maxPending: number;
  private readonly maxPendingBytes: number;
  private pendingBytes = 0;
  private subscription?: NatsSubscription;
  private inFlight = 0;
  private dropped = 0;
  private lastDropReport = 0;
  private closing?: Promise<void>;
  /** Set when the server ended the subscription (e.g. a permissions violation): health reports down. */
  failure?: string;
  private onIdle?: () => void;

  constructor(
    private readonly holder: NatsConnectionHolder,
    private readonly request: SubscribeRequest,
    private readonly logger: Logger,
    private readonly onClosed: () => void,
  ) {
    this.concurrency = Math.max(1, request.concurrency);
    this.maxPending = Math.max(0, Number(request.options['maxPending'] ?? NatsDefaults.corePendingMessages));
    this.maxPendingBytes = Math.max(0, Number(request.options['maxPendingBytes'] ?? NatsDefaults.corePendingBytes));
  }

  /** Resolves once the server has the subscription, so a publish right after reaches it. */
  async start(): Promise<void> {
    const queue = this.request.group.trim() || undefined;
    this.subscription = this.holder.nc.subscribe(this.request.topic, {
      queue,
      callback: (error, msg) => {
        if (error) this.logger.error((this.failure = this.holder.recordError(error, `subscription ${this.request.topic}`).message));
        else this.receive(msg);
      },
    });
    await this.holder.nc.flush();
  }

  close(): Promise<void> {
    return (this.closing ??= new Promise<void>((resolve) => {
      this.subscription?.unsubscribe();
      const done = () => {
        this.onClosed();
        resolve();
      };
      // Buffered messages were already taken from the broker; handle them rather than lose them.
      if (this.inFlight === 0 && this.waiting.length === 0) done();
      else this.onIdle = done;
    }));
  }

  private receive(msg: Msg): void {
    if (this.inFlight < this.concurrency) this.deliver(msg);
    else if (this.waiting.length < this.maxPending && this.pendingBytes + msg.data.byteLength <= this.maxPendingBytes) {
      this.pendingBytes += msg.data.byteLength;
      this.waiting.push(msg);
    } else {
      this.drop();
    }
  }

  private drop(): void {
    this.dropped++;
    this.holder.lastError =
      `dropped ${this.dropped} message(s) on ${this.request.topic}: handlers slower than publishers ` +
      `(concurrency ${this.concurrency}, maxPending ${this.maxPending} / ${this.maxPendingBytes} bytes)`;
    // Logged at most every few seconds: under overload every message would log otherwise.
    const now = Date.now();
    if (now - this.lastDropReport < dropReportIntervalMs) return;
    this.lastDropReport = now;
    this.logger.warn(this.holder.lastError);
  }

  private deliver(msg: Msg): void {
    this.inFlight++;
    let settled = false;
    // Nothing to tell the broker in core NATS: settling frees the slot, and that is all.
    const settle = (): Promise<void> => {
      if (!settled) {
        settled = true;
        this.release();
      }
      return Promise.resolve();
    };
    const { headers, key } = fromNatsHeaders(msg.headers);
    const message: InboundMessage = {
      topic: msg.subject,
      body: Buffer.from(msg.data.buffer, msg.data.byteOffset, msg.data.byteLength),
      headers,
      key,
      deliveryAttempt: 1,
      redelivered: false,
      raw: msg,
    };
    const delivery: Delivery = { message, ack: settle, nack: settle, reject: settle, touch: () => Promise.resolve() };
    // A handler that throws synchronously must not throw into the NATS client's callback.
    Promise.resolve()
      .then(() => this.request.handler(delivery))
      .then(settle, (error: unknown) => {
        this.logger.error(this.holder.recordError(error, `handler for ${this.request.topic} failed`).message);
        return settle();
      });
  }

  private release(): void {
    this.inFlight--;
    const next = this.waiting.shift();
    if (next) {
      this.pendingBytes -= next.data.byteLength;
      this.deliver(next);
    }
    else if (this.inFlight === 0) this.onIdle?.();
  }
}
