import type { ErrorClass } from '../core/errors.js';
import type { IdempotencyStore } from '../core/idempotency-store.js';
import type { MessageInterceptor } from '../core/interceptor.js';
import type { Transport } from '../transports/transport.js';

export interface BackoffOptions {
  /** Delay before the second attempt. Default 100 ms. */
  initialMs?: number;
  /** Each delay is the previous one times this. Default 2. */
  factor?: number;
  /** No delay is longer than this. Default 30 s. */
  maxMs?: number;
  /** Random spread as a fraction of the delay (0.1 = ±10%); the cap still holds. Default 0.1. */
  jitter?: number;
}

export interface RetryOptions {
  /** Runs in all, the first included. Default 3. */
  attempts?: number;
  backoff?: BackoffOptions;
  /**
   * 'in-process' waits and re-runs while holding the message; 'native' asks the broker to
   * redeliver later (transports with `nativeDelayedRedelivery`); 'auto' (default) picks native
   * where the transport has it.
   */
  mode?: 'auto' | 'in-process' | 'native';
}

export interface DeadLetterOptions {
  /** Default `<topic>.dlq`. */
  topic?: string;
  /** Default: the handler's own transport. */
  transport?: string;
}

/** 'after' (default) acks once the handler succeeded; 'before' acks first (at-most-once); 'manual' leaves it to `ctx.ack()`. */
export type AckPolicy = 'after' | 'before' | 'manual';

export interface IdempotencyOptions {
  /** Check keys for every handler unless it says otherwise. Default false. */
  enabled?: boolean;
  /** Default: an in-memory store (per process). */
  store?: IdempotencyStore;
  /** How long a processed key is remembered. Default 24 h. */
  ttlMs?: number;
}

export interface NestreamModuleOptions {
  /** Stamped as `x-source` on everything this service publishes; part of default group names. */
  serviceName: string;
  /** Name → transport. The first is the default. None: one in-memory transport named `memory`. */
  transports?: Record<string, Transport>;
  retry?: RetryOptions | false;
  /** `true` (default): `<topic>.dlq` on the same transport. `false`: off. */
  deadLetter?: DeadLetterOptions | boolean;
  idempotency?: IdempotencyOptions;
  /** Errors never retried, besides NonRetryableError and validation failures. */
  nonRetryable?: ErrorClass[];
  /** Run around every handler (inside retry) and every publish. */
  interceptors?: MessageInterceptor[];
  /** Default concurrency per subscriber. Default 10. */
  concurrency?: number;
  /** Bodies larger than this go to the dead letter unread. Default 1 MiB. */
  maxBodyBytes?: number;
  /** How long shutdown waits for in-flight handlers before closing transports. Default 10 s. */
  shutdownTimeoutMs?: number;
}
