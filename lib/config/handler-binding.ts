import type { ErrorClass } from '../core/errors.js';
import type { MessageInterceptor } from '../core/interceptor.js';
import type { AckPolicy, BackoffOptions } from './nestream-options.js';
import type { ContractMetadata } from '../core/contract.js';
import type { VersionPlan } from '../core/version-plan.js';

export interface ResolvedRetry {
  readonly attempts: number;
  readonly backoff: Required<BackoffOptions>;
  readonly mode: 'auto' | 'in-process' | 'native';
}

export interface ResolvedDeadLetter {
  readonly topic: string;
  readonly transport: string;
}

export interface ResolvedBatch {
  readonly maxSize: number;
  readonly maxWaitMs: number;
}

export interface PublishTarget {
  readonly topic: string;
  readonly transport: string;
  readonly contract?: ContractMetadata;
}

/** One `@Subscriber` on one method, with every option resolved against the module defaults. */
export interface HandlerBinding {
  /** `Class.method`. */
  readonly id: string;
  readonly topic: string;
  readonly transport: string;
  readonly group: string;
  /** Deliveries in flight; in batch mode, batches in flight. */
  readonly concurrency: number;
  readonly batch: ResolvedBatch | false;
  readonly contract?: ContractMetadata;
  /** A versioned contract's versions: which it takes, through which upcasters. */
  readonly versions?: VersionPlan;
  /** False: the payload is the raw body (no decoding, no validation). */
  readonly decode: boolean;
  readonly retry: ResolvedRetry | false;
  readonly deadLetter: ResolvedDeadLetter | false;
  readonly idempotent: boolean;
  readonly ack: AckPolicy;
  readonly nonRetryable: readonly ErrorClass[];
  readonly interceptors: readonly MessageInterceptor[];
  readonly transportOptions: Readonly<Record<string, unknown>>;
  readonly publishTo: readonly PublishTarget[];
}
