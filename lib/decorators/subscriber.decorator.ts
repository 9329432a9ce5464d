import { appendMetadata } from './append-metadata.js';
import type { ErrorClass } from '../core/errors.js';
import { SUBSCRIBER_METADATA } from '../config/constants.js';
import type { AckPolicy, DeadLetterOptions, RetryOptions } from '../config/nestream-options.js';
import type { ContractClass } from '../core/contract.js';

export interface BatchOptions {
  /** At most this many messages per call. Default 100. */
  maxSize?: number;
  /**
   * How long a batch waits to fill up before it runs anyway, on transports that deliver one
   * message at a time. Kafka hands over what one fetch of a partition brought. Default 50 ms.
   */
  maxWaitMs?: number;
}

export interface SubscriberOptions<TransportOptions extends object = Record<string, unknown>> {
  /** Name of a configured transport. Default: the first one. */
  transport?: string;
  /** Consumer group / queue group / queue. Default `<serviceName>.<Class>.<method>`. */
  group?: string;
  /** Deliveries handled at once (batch mode: batches). Default: the module's `concurrency` (10); batches 1. */
  concurrency?: number;
  /**
   * The method receives an array of payloads (and `@Ctx()` an array of contexts, same order).
   * Each message is decoded, validated and deduplicated on its own (a bad one is dead-lettered
   * alone); the batch is retried in-process as one unit; when retries are spent every message
   * of it is dead-lettered. `true` uses the defaults.
   */
  batch?: boolean | BatchOptions;
  retry?: RetryOptions | false;
  deadLetter?: DeadLetterOptions | boolean;
  /** Skip messages whose idempotency key was already processed by this handler. */
  idempotent?: boolean;
  ack?: AckPolicy;
  /** Errors never retried by this handler (added to the module's list). */
  nonRetryable?: ErrorClass[];
  /**
   * `false` hands the handler the body bytes as they are, with no decoding or validation:
   * for dead-letter monitors, which must see bodies that failed to decode. Default true.
   */
  decode?: boolean;
  /**
   * The transport's own subscriber options (e.g. Kafka `fromBeginning`); see each transport.
   * Checked at bootstrap: an unknown key or a bad value fails there, naming `Class.method`.
   * Type them by naming the transport's options type: `@Subscriber<KafkaSubscribeOptions>(...)`.
   */
  transportOptions?: TransportOptions;
}

export interface SubscriberMetadata {
  readonly target: string | ContractClass;
  readonly options: SubscriberOptions;
}

/** Subscribes the method to a topic or event contract. Stackable: one method, several subscriptions. */
export function Subscriber<TransportOptions extends object = Record<string, unknown>>(
  target: string | ContractClass,
  options: SubscriberOptions<TransportOptions> = {},
): MethodDecorator {
  return (_prototype, _method, descriptor) => {
    appendMetadata<SubscriberMetadata>(SUBSCRIBER_METADATA, { target, options: options as SubscriberOptions }, descriptor.value as object);
    return descriptor;
  };
}
