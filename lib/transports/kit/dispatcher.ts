import { Deque } from '../../core/deque.js';
import { callSafely } from './safe-call.js';
import type { SettleOnceDelivery } from './settle-once.js';
import { SlotPool } from './slot-pool.js';

export interface DispatcherInit<D extends SettleOnceDelivery> {
  /** Deliveries handled at once. */
  readonly concurrency: number;
  readonly handler: (delivery: D) => Promise<void>;
  /**
   * Gives a delivery that was received but never started back to the broker, at once: on close,
   * or when the buffer is full (JetStream nak, RabbitMQ nack + requeue, Redis Streams: left
   * pending; a broker that cannot take it back logs what it drops).
   */
  readonly handBack: (delivery: D, why: 'closing' | 'overflow') => Promise<void> | void;
  /** A handler that threw, or a hand-back that failed: logged by the transport, never thrown into its loop. */
  readonly onError: (error: unknown) => void;
  /** Deliveries that may wait for a slot. Default: as many as `concurrency`. */
  readonly bufferSize?: number;
}

/**
 * What every subscription does with the messages its broker hands it: at most `concurrency`
 * handlers at once, a bounded buffer behind them, each handler called safely (see callSafely),
 * and on close the buffer handed back at once while in-flight handlers finish. Pull-based
 * consumers ask `room` how many to fetch; push-based ones just `offer` what arrives.
 */
export class Dispatcher<D extends SettleOnceDelivery> {
  private readonly slots: SlotPool;
  private readonly buffer = new Deque<D>();
  private readonly bufferSize: number;
  private readonly roomWaiters: (() => void)[] = [];
  private closingPromise?: Promise<void>;

  constructor(private readonly init: DispatcherInit<D>) {
    this.slots = new SlotPool(Math.max(1, init.concurrency));
    this.bufferSize = Math.max(0, init.bufferSize ?? init.concurrency);
  }

  get inFlight(): number {
    return this.slots.inFlight;
  }

  get buffered(): number {
    return this.buffer.length;
  }

  get closing(): boolean {
    return this.closingPromise !== undefined;
  }

  /** Deliveries it can take now without handing any back: free slots plus free buffer places. */
  get room(): number {
    if (this.closing) return 0;
    return this.slots.free + this.bufferSize - this.buffer.length;
  }

  /** Free slots only: what a pull-based consumer should fetch so nothing waits in memory. */
  get freeSlots(): number {
    return this.closing ? 0 : this.slots.free - this.buffer.length;
  }

  /** Resolves once a slot is free (or the dispatcher closes). */
  whenFreeSlot(): Promise<void> {
    if (this.freeSlots > 0 || this.closing) return Promise.resolve();
    return new Promise((resolve) => this.roomWaiters.push(resolve));
  }

  /**
   * Resolves once nothing is buffered or in flight (a finished handler passes its slot straight
   * to the next buffered delivery, so no slot in use means an empty buffer): a push consumer
   * that cannot hand messages back (core NATS) finishes what it received before it closes.
   */
  whenIdle(): Promise<void> {
    return this.slots.whenIdle();
  }

  /** Starts the delivery, or buffers it; hands it back at once when closing or when the buffer is full. */
  offer(delivery: D): void {
    if (this.closing) return this.handBack(delivery, 'closing');
    if (this.slots.tryAcquire()) return this.start(delivery);
    if (this.buffer.length >= this.bufferSize) return this.handBack(delivery, 'overflow');
    this.buffer.push(delivery);
  }

  /**
   * Stops taking deliveries, hands the buffered ones back at once, and resolves when every
   * started handler has returned and its delivery is settled. Idempotent.
   */
  close(): Promise<void> {
    return (this.closingPromise ??= this.drain());
  }

  private async drain(): Promise<void> {
    this.wakeRoomWaiters();
    const waiting: Promise<void>[] = [];
    for (let d = this.buffer.shift(); d; d = this.buffer.shift()) waiting.push(Promise.resolve(this.handBack(d, 'closing')));
    await Promise.all(waiting);
    await this.slots.whenIdle();
  }

  private start(delivery: D): void {
    void callSafely(() => this.init.handler(delivery), [delivery], this.init.onError).then(() => this.finished());
  }

  private finished(): void {
    const next = this.closing ? undefined : this.buffer.shift();
    if (next) return this.start(next); // the slot passes straight to the next buffered delivery
    this.slots.release();
    this.wakeRoomWaiters();
  }

  private handBack(delivery: D, why: 'closing' | 'overflow'): void {
    try {
      void Promise.resolve(this.init.handBack(delivery, why)).catch(this.init.onError);
    } catch (error) {
      this.init.onError(error);
    }
  }

  private wakeRoomWaiters(): void {
    if (!this.closing && this.freeSlots <= 0) return;
    for (const resolve of this.roomWaiters.splice(0)) resolve();
  }
}
