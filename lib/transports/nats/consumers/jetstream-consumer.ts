import type { Consumer, ConsumerMessages, JetStreamClient } from '@nats-io/jetstream';
import { backoffDelay } from '../../../core/backoff.js';
import type { NestreamLogger } from '../../../core/logger.js';
import { redactSecrets } from '../../../core/redact.js';
import type { SubscribeRequest } from '../../../core/transport.js';
import { Dispatcher } from '../../kit/dispatcher.js';
import { callSafely } from '../../kit/safe-call.js';
import { SlotPool } from '../../kit/slot-pool.js';
import { sleepUnless } from '../../kit/timers.js';
import { AckConfirmations } from '../ack-confirmations.js';
import type { NatsLink } from '../nats.connection.js';
import { jetStreamDelivery, type JetStreamDelivery, type JetStreamSettleIo } from '../nats.delivery.js';
import type { NatsConsumer } from '../nats.mode.js';
import { NATS_DEFAULTS, resolveJetStreamSubscriberOptions, type NatsJetStreamConsumerOptions, type NatsJetStreamSubscriberOptions } from '../nats.options.js';
import { isConsumerNotFound, isStreamNotFound, type ConsumerTarget, type JetStreamTopology } from '../nats.topology.js';

export interface JetStreamConsumerDeps {
  readonly link: NatsLink;
  readonly js: () => JetStreamClient;
  readonly topology: JetStreamTopology;
  readonly consumerDefaults: NatsJetStreamConsumerOptions;
  readonly apiTimeoutMs: number;
  readonly logger: NestreamLogger;
  readonly onClosed: () => void;
}

/** Pauses between recoveries of a failing pull: 200 ms, doubling, at most 5 s. */
const RECOVERY_BACKOFF = { initialMs: 200, factor: 2, maxMs: 5000, jitter: 0.1 };

/**
 * One subscription on a durable pull consumer. It pulls only what its free slots can start
 * (Dispatcher.freeSlots), so nothing waits in memory unhandled; one pull is open at a time.
 * Any failure (server restart, consumer or stream deleted, missed heartbeats) ends the pull;
 * the loop then recreates what is missing and pulls again. It never stops until closed.
 *
 * Acks are pipelined when the handler acks last (`acksLast`, ack policy 'after'): a delivery's
 * slot is free once its ack is written, and the server's confirmation (`ackAck`) is awaited
 * beside the next deliveries, so the round trip never stands between one message and the next.
 * A failed confirmation still fails that delivery's `ack()`.
 *
 * Close: no new pull; the open one is drained (its inbox unsubscribed, then flushed), so every
 * message the server already sent for it still arrives and is handed back at once with `nak()`
 * instead of waiting out AckWait; started deliveries finish and are settled.
 */
export class JetStreamConsumer implements NatsConsumer {
  /** Set while the consumer cannot pull; the transport reports it as `down`. */
  failure?: string;
  private readonly options: NatsJetStreamSubscriberOptions;
  private readonly dispatcher: Dispatcher<JetStreamDelivery>;
  /** Deliveries whose ack is written and whose confirmation is still awaited (no slot held). */
  private readonly confirming = new SlotPool(Number.MAX_SAFE_INTEGER);
  /** Confirmed acks (`ackAck`, the default); unset with `ackAck: false`. */
  private acks?: AckConfirmations;
  private target!: ConsumerTarget;
  private consumer?: Consumer;
  private workingIntervalMs: number = NATS_DEFAULTS.ackWaitMs / NATS_DEFAULTS.workingSignalsPerAckWait;
  private currentPull?: ConsumerMessages;
  private closing?: Promise<void>;
  private loopDone?: Promise<void>;
  private stopWatchingDisconnects?: () => void;
  private signalStop!: () => void;
  /** Resolves when closing starts, so no wait (for a reconnect, a backoff) outlives `close()`. */
  private readonly stopped = new Promise<void>((resolve) => (this.signalStop = resolve));

  constructor(
    private readonly deps: JetStreamConsumerDeps,
    private readonly request: SubscribeRequest,
  ) {
    this.options = resolveJetStreamSubscriberOptions(deps.consumerDefaults, request.options as NatsJetStreamSubscriberOptions);
    this.dispatcher = new Dispatcher({
      concurrency: Math.max(1, request.concurrency),
      // Pulls never exceed the free slots; a message beyond them goes straight back.
      bufferSize: 0,
      handler: request.acksLast ? (delivery) => this.handleUntilAckSent(delivery) : request.handler,
      handBack: (delivery) =>
        delivery.nack().catch((error: unknown) => {
          // The connection is gone: the server redelivers it after AckWait, which is all that is left.
          this.deps.logger.warn(redactSecrets(`could not hand a message of ${request.topic} back: ${(error as Error)?.message ?? String(error)}`));
        }),
      onError: (error) => this.onHandlerError(error),
    });
  }

  get name(): string {
    return `${this.target?.stream ?? '?'}/${this.target?.durable ?? '?'}`;
  }

  /** Resolves once stream and consumer exist; fails the subscribe when they cannot. */
  async start(): Promise<void> {
    const { topic, group, concurrency } = this.request;
    this.target = await this.deps.topology.consumerTarget(topic, group, Math.max(1, concurrency), this.options);
    await this.prepareConsumer();
    if (this.options.ackAck ?? NATS_DEFAULTS.ackAck) this.acks = new AckConfirmations(this.deps.link.nc, this.deps.apiTimeoutMs);
    // A pull held open across a reconnect would be re-issued by the client at full size on top
    // of what it already delivered; end it, and let the loop pull afresh.
    this.stopWatchingDisconnects = this.deps.link.onDisconnect(() => void this.currentPull?.close());
    this.loopDone = this.pullLoop();
  }

  close(): Promise<void> {
    return (this.closing ??= this.shutdown());
  }

  /** Nothing to cut short: what was received but not started is handed back at once anyway. */
  cutShort(): void {}

  private async shutdown(): Promise<void> {
    this.signalStop();
    this.stopWatchingDisconnects?.();
    const handlersDone = this.dispatcher.close(); // from here on, every delivery offered is nak'ed
    await this.endPull();
    await this.loopDone;
    await handlersDone;
    await this.confirming.whenIdle();
    this.acks?.close();
    // The naks were written; one round trip proves the server has them before close resolves.
    await this.deps.link.flushWithin(this.deps.apiTimeoutMs);
    this.deps.onClosed();
  }

  /**
   * Holds the slot until the ack is sent (or the handler returns): the handler acks as its last
   * step, so what is left is the server's confirmation, awaited without the slot. The chain
   * still awaits it and reports an ack that failed.
   */
  private handleUntilAckSent(delivery: JetStreamDelivery): Promise<void> {
    this.confirming.tryAcquire();
    const handled = callSafely(() => this.request.handler(delivery), [delivery], this.onHandlerError).finally(this.confirmed);
    return Promise.race([handled, delivery.ackSent]);
  }

  private readonly confirmed = (): void => this.confirming.release();
  private readonly onHandlerError = (error: unknown): void =>
    this.deps.logger.error(this.deps.link.status.fail(error, `handler for ${this.request.topic} failed`, { stayUp: true }).message);

  private async prepareConsumer(): Promise<void> {
    const info = await this.deps.topology.ensureConsumer(this.target);
    const ackWaitMs = (info.config.ack_wait ?? NATS_DEFAULTS.ackWaitMs * 1e6) / 1e6;
    this.workingIntervalMs =
      this.options.workingIntervalMs ?? Math.max(NATS_DEFAULTS.minWorkingIntervalMs, Math.floor(ackWaitMs / NATS_DEFAULTS.workingSignalsPerAckWait));
    this.consumer = await this.deps.js().consumers.get(this.target.stream, this.target.durable);
  }

  private async pullLoop(): Promise<void> {
    let failures = 0;
    while (!this.dispatcher.closing) {
      try {
        await Promise.race([this.deps.link.whenUp(), this.stopped]);
        await this.dispatcher.whenFreeSlot();
        if (this.dispatcher.closing) break;
        if (!this.consumer) await this.prepareConsumer();
        await this.pullOnce(this.consumer!);
        failures = 0;
        this.failure = undefined;
      } catch (error) {
        this.currentPull = undefined;
        if (this.dispatcher.closing || this.deps.link.isClosed) break;
        failures++;
        this.failure = this.deps.link.status.fail(error, `JetStream consumer ${this.name}`, { stayUp: true }).message;
        this.deps.logger.warn(`${this.failure}; recovering (attempt ${failures})`);
        await this.recover();
        await sleepUnless(backoffDelay(failures, RECOVERY_BACKOFF), this.stopped);
      }
    }
  }

  private async pullOnce(consumer: Consumer): Promise<void> {
    const expires = Math.max(NATS_DEFAULTS.minFetchExpiresMs, this.options.fetchExpiresMs ?? NATS_DEFAULTS.fetchExpiresMs);
    const pull = await consumer.fetch({ max_messages: this.dispatcher.freeSlots, expires });
    this.currentPull = pull;
    if (this.dispatcher.closing) void this.endPull(); // close() began while the pull was being made
    const io: JetStreamSettleIo = {
      flush: () => this.deps.link.flushWithin(this.deps.apiTimeoutMs),
      confirmAck: this.acks && ((msg) => this.acks!.ack(msg)),
      workingIntervalMs: this.workingIntervalMs,
    };
    // Closing, or more than the free slots: the dispatcher hands it straight back (nak).
    for await (const msg of pull) this.dispatcher.offer(jetStreamDelivery(msg, io));
    this.currentPull = undefined;
  }

  /**
   * Ends the open pull so that nothing it was sent is lost: unsubscribing alone would drop the
   * messages already on their way (they would come back only after AckWait). A drain
   * unsubscribes and flushes, so they still arrive (and are nak'ed) before the pull closes.
   */
  private async endPull(): Promise<void> {
    const pull = this.currentPull;
    if (!pull) return;
    const inbox = (pull as { sub?: { drain?: () => Promise<void>; isClosed?: () => boolean } }).sub;
    if (inbox?.drain && !inbox.isClosed?.()) {
      await Promise.race([inbox.drain().catch(() => undefined), sleepUnless(this.deps.apiTimeoutMs, this.deps.link.whenClosed)]);
    }
    await pull.close().catch(() => undefined);
  }

  /** After a failed pull: recreate a deleted consumer (and stream), else just pull again. */
  private async recover(): Promise<void> {
    try {
      await Promise.race([this.deps.link.whenUp(), this.stopped]);
      if (this.dispatcher.closing) return;
      await this.deps.topology.consumerInfo(this.target);
    } catch (checkError) {
      if (this.dispatcher.closing) return;
      if (isStreamNotFound(checkError) && !this.options.stream) {
        this.deps.topology.forget(this.target.topic);
        const stream = await this.deps.topology.streamFor(this.target.topic).catch(() => undefined);
        if (!stream) return;
        this.target = { ...this.target, stream: stream.name };
      } else if (!isConsumerNotFound(checkError)) {
        return;
      }
      this.deps.logger.warn(`JetStream consumer ${this.name} is gone; recreating it`);
      this.consumer = undefined;
      await this.prepareConsumer().catch((createError: unknown) => {
        this.deps.logger.error(this.deps.link.status.fail(createError, `recreating ${this.name}`, { stayUp: true }).message);
      });
    }
  }
}
