import type { MessageInterceptor } from '../core/interceptor.js';

/**
 * The consume chain, outermost first: the one place its order is written. Single and batch
 * handlers both follow it (DESIGN.md explains why each step sits where it does):
 * - settle turns the outcome into exactly one ack / nack / reject;
 * - tracing and metrics (when on) see what settle will do;
 * - correlation binds the correlation id for everything inside, logs included;
 * - message logs (when on) print that id;
 * - idempotency skips what this handler already processed;
 * - dead-letter sits outside retry, so only spent retries (or non-retryable errors) reach it;
 * - retry re-runs what is inside it;
 * - reply (request messages only) sends the result or the error back to the caller: inside
 *   retry, so a failed request is answered at once instead of retried past the caller's deadline;
 * - the user's interceptors (module-wide, then the handler's) run inside retry;
 * - the inbox transaction (idempotent single handlers on a transactional store) wraps each
 *   attempt, so the processed mark commits with the handler's writes or rolls back with them;
 * - upcast (versioned contracts) takes an older version to the handler's through the declared
 *   upcasters, or fails with `unsupported-version`: inside dead-letter, and right before payload,
 *   whose input it makes;
 * - payload decodes and validates, right before the method.
 */
export const CONSUME_CHAIN = [
  'settle',
  'tracing',
  'metrics',
  'correlation',
  'message-logs',
  'idempotency',
  'dead-letter',
  'retry',
  'reply',
  'user',
  'inbox',
  'upcast',
  'payload',
] as const;

export type ConsumeStep = (typeof CONSUME_CHAIN)[number];

/** In batch mode these run once around the batch's method call instead of around each message. */
export const BATCH_LEVEL_STEPS: ReadonlySet<ConsumeStep> = new Set<ConsumeStep>(['retry']);

/** A handler's interceptors per step; a step that is off has none. */
export type ChainSteps = { readonly [S in ConsumeStep]: readonly MessageInterceptor[] };

/** The interceptors of the steps that apply, in chain order. */
export function inChainOrder(steps: ChainSteps, include: (step: ConsumeStep) => boolean = () => true): MessageInterceptor[] {
  return CONSUME_CHAIN.filter(include).flatMap((step) => steps[step]);
}
