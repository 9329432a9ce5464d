import type { Msg, Subscription as NatsSubscription } from '@nats-io/transport-node';
import type { NestreamLogger } from '../../../core/logger.js';
import type { SubscribeRequest } from '../../../core/transport.js';
import { Dispatcher } from '../../kit/dispatcher.js';
import type { SettleOnceDelivery } from '../../kit/settle-once.js';
import type { NatsLink } from '../nats.connection.js';
import { coreDelivery } from '../nats.delivery.js';
import type { NatsConsumer } from '../nats.mode.js';
import { resolveCoreSubscriberOptions, type NatsCoreSubscriberOptions } from '../nats.options.js';

const dropReportIntervalMs = 10_000;

/**
 * A core NATS subscription (queue group = consumer group). Core NATS is at-most-once: there is
 * nothing to ack, and nothing can be handed back. Messages arriving while all `concurrency`
 * slots are busy wait in a bounded buffer (`maxPending` messages, `maxPendingBytes`; the limits
 * nats.go uses by default); beyond it they are dropped and counted, never buffered without limit.
 *
 * Close: unsubscribe first (draining the subscription, so what the server already sent still
 * arrives and nothing more does; other members of the queue group get the rest), then finish
 * the messages already received. The app bounds that wait (shutdownTimeoutMs); what the
 * transport's close then cuts short is dropped and logged with its count.
 */
export class CoreConsumer implements NatsConsumer {
  failure?: string;
  private readonly dispatcher: Dispatcher<SettleOnceDelivery>;
  private readonly maxPending: number;
  private readonly maxPendingBytes: number;
  /** Bytes of the deliveries waiting in the dispatcher's buffer, by delivery. */
  private readonly waitingBytes = new Map<SettleOnceDelivery, number>();
  private pendingBytes = 0;
  private subscription?: NatsSubscription;
  private dropped = 0;
  private droppedOnClose = 0;
  private lastDropReport = 0;
  private closing?: Promise<void>;
  private stopFinishing!: () => void;
  private readonly finishingStopped = new Promise<void>((resolve) => (this.stopFinishing = resolve));

  constructor(
    private readonly link: NatsLink,
    private readonly request: SubscribeRequest,
    private readonly logger: NestreamLogger,
    private readonly onClosed: () => void,
  ) {
    const { maxPending, maxPendingBytes } = resolveCoreSubscriberOptions(request.options as NatsCoreSubscriberOptions);
    this.maxPending = maxPending;
    this.maxPendingBytes = maxPendingBytes;
    this.dispatcher = new Dispatcher({
      concurrency: Math.max(1, request.concurrency),
      bufferSize: maxPending,
      handler: (delivery) => {
        this.leaveBuffer(delivery);
        return request.handler(delivery);
      },
      handBack: (delivery, why) => {
        this.leaveBuffer(delivery);
        if (why === 'overflow') this.drop();
        else this.droppedOnClose++;
      },
      onError: (error) => this.logger.error(this.link.status.fail(error, `handler for ${request.topic} failed`, { stayUp: true }).message),
    });
  }

  /** Resolves once the server has the subscription, so a publish right after reaches it. */
  async start(): Promise<void> {
    this.subscription = this.link.nc.subscribe(this.request.topic, {
      queue: this.request.group.trim() || undefined,
      callback: (error, msg) => {
        if (!error) return this.receive(msg);
        this.failure = this.link.status.fail(error, `subscription ${this.request.topic}`, { stayUp: true }).message;
        this.logger.error(this.failure);
      },
    });
    await this.link.nc.flush();
  }

  close(): Promise<void> {
    return (this.closing ??= this.finish());
  }

  cutShort(): void {
    this.stopFinishing();
  }

  private async finish(): Promise<void> {
    await this.stopReceiving();
    await Promise.race([this.dispatcher.whenIdle(), this.finishingStopped]);
    await this.dispatcher.close();
    if (this.droppedOnClose > 0) {
      this.logger.warn(`closed before handling ${this.droppedOnClose} received message(s) of ${this.request.topic}; core NATS cannot hand them back, they are dropped`);
    }
    this.onClosed();
  }

  /** Unsubscribes; a drain lets the messages the server sent before it still arrive. */
  private async stopReceiving(): Promise<void> {
    const subscription = this.subscription;
    if (!subscription || subscription.isClosed()) return;
    try {
      await Promise.race([subscription.drain(), this.link.whenClosed, this.finishingStopped]);
    } catch {
      subscription.unsubscribe(); // the connection is gone: nothing more can arrive anyway
    }
  }

  private receive(msg: Msg): void {
    const bytes = msg.data.byteLength;
    const startsNow = this.dispatcher.freeSlots > 0;
    if (!startsNow && this.pendingBytes + bytes > this.maxPendingBytes) return this.drop();
    const delivery = coreDelivery(msg);
    if (!startsNow) {
      this.waitingBytes.set(delivery, bytes);
      this.pendingBytes += bytes;
    }
    this.dispatcher.offer(delivery);
  }

  private leaveBuffer(delivery: SettleOnceDelivery): void {
    const bytes = this.waitingBytes.get(delivery);
    if (bytes === undefined) return;
    this.waitingBytes.delete(delivery);
    this.pendingBytes -= bytes;
  }

  private drop(): void {
    this.dropped++;
    this.link.status.note(
      `dropped ${this.dropped} message(s) on ${this.request.topic}: handlers slower than publishers ` +
        `(concurrency ${this.request.concurrency}, maxPending ${this.maxPending} / ${this.maxPendingBytes} bytes)`,
    );
    // Logged at most every few seconds: under overload every message would log otherwise.
    const now = Date.now();
    if (now - this.lastDropReport < dropReportIntervalMs) return;
    this.lastDropReport = now;
    this.logger.warn(this.link.status.lastError!);
  }
}
