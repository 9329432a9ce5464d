import type { Logger } from '@nestjs/common';
import type { Consumer, ConsumerMessages, JetStreamClient, JetStreamManager, JsMsg } from '@nats-io/jetstream';
import type { SubscribeRequest, Subscription } from '../../core/transport.js';
import { ensureConsumer, type ConsumerTarget } from './jetstream-consumer-config.js';
import { JetStreamDelivery } from './jetstream-delivery.js';
import type { NatsConnectionHolder } from './nats-connection.js';
import { toJetStreamName } from './nats-names.js';
import { NatsDefaults, type NatsSubscriberOptions } from './nats.options.js';
import { isConsumerNotFound, isStreamNotFound, type StreamProvisioner } from './stream-provisioner.js';

export interface JetStreamSubscriberDeps {
  readonly holder: NatsConnectionHolder;
  readonly js: () => JetStreamClient;
  readonly jsm: () => JetStreamManager;
  readonly provisioner: StreamProvisioner;
  readonly logger: Logger;
  readonly apiTimeoutMs: number;
  readonly onClosed: () => void;
}

/**
 * One subscription on a durable pull consumer. It pulls at most as many messages as it has
 * free slots (`concurrency - inFlight`), so nothing waits in memory unhandled; one pull is
 * open at a time, and a pull that is not full means the stream has nothing more right now.
 * Any failure (server restart, consumer or stream deleted, missed heartbeats) ends the pull;
 * the loop then recreates what is missing and pulls again. It never stops until closed.
 */
export class JetStreamSubscriber implements Subscription {
  /** Set while the consumer cannot pull; the transport reports it as `down`. */
  failure?: string;
  private readonly concurrency: number;
  private readonly options: NatsSubscriberOptions;
  private target!: ConsumerTarget;
  private consumer?: Consumer;
  private workingIntervalMs = 10_000;
  private inFlight = 0;
  private readonly deliveries = new Set<JetStreamDelivery>();
  private currentPull?: ConsumerMessages;
  private stopping = false;
  private closing?: Promise<void>;
  private loopDone?: Promise<void>;
  private wake?: () => void;
  private idle?: () => void;
  private stopWatchingDisconnects?: () => void;
  private signalStop!: () => void;
  /** Resolves when closing starts, so no wait (for a reconnect, a slot) outlives `close()`. */
  private readonly stopped = new Promise<void>((resolve) => (this.signalStop = resolve));

  constructor(
    private readonly deps: JetStreamSubscriberDeps,
    private readonly request: SubscribeRequest,
    defaults: NatsSubscriberOptions,
  ) {
    this.concurrency = Math.max(1, request.concurrency);
    this.options = { ...defaults, ...(request.options as NatsSubscriberOptions) };
  }

  get name(): string {
    return `${this.target?.stream ?? '?'}/${this.target?.durable ?? '?'}`;
  }

  /** Resolves once stream and consumer exist; fails the subscribe when they cannot. */
  async start(): Promise<void> {
    const { topic, group } = this.request;
    const stream = this.options.stream
      ? { name: this.options.stream, dedicated: false }
      : await this.deps.provisioner.streamFor(topic);
    const groupName = toJetStreamName(group.trim() || 'default');
    const durable = this.options.durableName ?? (stream.dedicated ? groupName : `${groupName}__${toJetStreamName(topic)}`);
    this.target = { stream: stream.name, durable, topic, concurrency: this.concurrency, options: this.options };
    await this.prepareConsumer();
    // A pull held open across a reconnect would be re-issued by the client at full size on top
    // of what it already delivered; end it, and let the loop pull afresh.
    this.stopWatchingDisconnects = this.deps.holder.onDisconnect(() => void this.currentPull?.close());
    this.loopDone = this.pullLoop();
  }

  close(): Promise<void> {
    return (this.closing ??= this.drain());
  }

  private async drain(): Promise<void> {
    this.stopping = true;
    this.signalStop();
    this.stopWatchingDisconnects?.();
    this.wake?.();
    await this.currentPull?.close().catch(() => undefined);
    await this.loopDone;
    if (this.inFlight > 0) await new Promise<void>((resolve) => (this.idle = resolve));
    this.deps.onClosed();
  }

  private async prepareConsumer(): Promise<void> {
    const info = await ensureConsumer(this.deps.jsm(), this.target);
    const ackWaitMs = (info.config.ack_wait ?? NatsDefaults.ackWaitMs * 1e6) / 1e6;
    this.workingIntervalMs = this.options.workingIntervalMs ?? Math.max(100, Math.floor(ackWaitMs / 3));
    this.consumer = await this.deps.js().consumers.get(this.target.stream, this.target.durable);
  }

  private async pullLoop(): Promise<void> {
    let failures = 0;
    while (!this.stopping) {
      try {
        await this.untilUpOrStopped();
        await this.freeSlot();
        if (this.stopping) break;
        if (!this.consumer) await this.prepareConsumer();
        await this.pullOnce(this.consumer!);
        failures = 0;
        this.failure = undefined;
      } catch (error) {
        this.currentPull = undefined;
        if (this.stopping || this.deps.holder.state === 'closed') break;
        failures++;
        this.failure = this.deps.holder.recordError(error, `JetStream consumer ${this.name}`).message;
        this.deps.logger.warn(`${this.failure}; recovering (attempt ${failures})`);
        await this.recover();
        await this.pause(Math.min(100 * 2 ** failures, 5000));
      }
    }
  }

  private async pullOnce(consumer: Consumer): Promise<void> {
    const batch = this.concurrency - this.inFlight;
    const expires = Math.max(1000, this.options.fetchExpiresMs ?? NatsDefaults.fetchExpiresMs);
    const pull = await consumer.fetch({ max_messages: batch, expires });
    this.currentPull = pull;
    let received = 0;
    for await (const msg of pull) {
      received++;
      // Closing, or more than asked for: hand it straight back for another member.
      if (this.stopping || received > batch) msg.nak();
      else this.dispatch(msg);
    }
    this.currentPull = undefined;
  }

  /** After a failed pull: recreate a deleted consumer (and stream), else just pull again. */
  private async recover(): Promise<void> {
    try {
      await this.untilUpOrStopped();
      if (this.stopping) return;
      await this.deps.jsm().consumers.info(this.target.stream, this.target.durable);
    } catch (checkError) {
      if (this.stopping) return;
      if (isStreamNotFound(checkError) && !this.options.stream) {
        this.deps.provisioner.forget(this.target.topic);
        const stream = await this.deps.provisioner.streamFor(this.target.topic).catch(() => undefined);
        if (!stream) return;
        this.target = { ...this.target, stream: stream.name };
      } else if (!isConsumerNotFound(checkError)) {
        return;
      }
      this.deps.logger.warn(`JetStream consumer ${this.name} is gone; recreating it`);
      this.consumer = undefined;
      await this.prepareConsumer().catch((createError: unknown) => {
        this.deps.logger.error(this.deps.holder.recordError(createError, `recreating ${this.name}`).message);
      });
    }
  }

  private untilUpOrStopped(): Promise<void> {
    return Promise.race([this.deps.holder.whenUp(), this.stopped]);
  }

  private dispatch(msg: JsMsg): void {
    this.inFlight++;
    const delivery = new JetStreamDelivery(msg, {
      flush: () => this.flush(),
      ackTimeoutMs: this.deps.apiTimeoutMs,
      workingIntervalMs: this.workingIntervalMs,
      onSettled: () => this.release(delivery),
    });
    this.deliveries.add(delivery);
    const guard = (error?: unknown) => {
      if (error !== undefined) {
        this.deps.logger.error(this.deps.holder.recordError(error, `handler for ${this.request.topic} failed`).message);
      }
      // The pipeline settles every delivery; one left unsettled goes back now, not after AckWait.
      if (!delivery.isSettled) delivery.nack().catch(() => undefined);
    };
    Promise.resolve()
      .then(() => this.request.handler(delivery))
      .then(() => guard(), guard);
  }

  private release(delivery: JetStreamDelivery): void {
    this.deliveries.delete(delivery);
    this.inFlight--;
    this.wake?.();
    if (this.inFlight === 0) this.idle?.();
  }

  /** A bounded flush: when the server is away, the nak/term waits in the client's buffer. */
  private async flush(): Promise<void> {
    const nc = this.deps.holder.nc;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.deps.apiTimeoutMs)));
    await Promise.race([nc.flush().catch(() => undefined), timeout]);
    clearTimeout(timer);
  }

  private freeSlot(): Promise<void> {
    if (this.inFlight < this.concurrency || this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      this.wake = () => {
        if (this.inFlight < this.concurrency || this.stopping) {
          this.wake = undefined;
          resolve();
        }
      };
    });
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        if (this.stopping) done();
      };
    });
  }
}
