import { AckMessage, NackMessage } from '../core/errors.js';
import { deliveryState, type MessageContext } from '../core/message-context.js';

/**
 * How one delivery ended, as metrics, spans and log lines report it:
 * - `acked`: handled (or acked by the handler);
 * - `retried`: nacked for redelivery (a native retry with delay, or a handler's NackMessage);
 * - `dead_lettered`: published to the dead-letter destination, then acked;
 * - `skipped_duplicate`: its idempotency key was processed already, so it was acked unrun;
 * - `failed`: rejected (dead letters off, or RejectMessage), never to come back.
 * In-process retries do not end a delivery: they are counted apart, and the delivery ends
 * with the outcome of its last attempt.
 */
export type MessageOutcome = 'acked' | 'retried' | 'dead_lettered' | 'skipped_duplicate' | 'failed';

export const MESSAGE_OUTCOMES: readonly MessageOutcome[] = ['acked', 'retried', 'dead_lettered', 'skipped_duplicate', 'failed'];

/**
 * The outcome from what the rest of the chain returned or threw, seen from just inside
 * settle (which turns a throw into ack / nack / reject exactly as mapped here).
 */
export function outcomeOf(ctx: MessageContext, error?: unknown, failed = error !== undefined): MessageOutcome {
  if (failed) {
    if (error instanceof AckMessage) return 'acked';
    if (error instanceof NackMessage) return 'retried';
    return 'failed'; // RejectMessage, or an error nothing handled: settle rejects it
  }
  const { disposition } = deliveryState(ctx);
  if (disposition === 'dead-lettered') return 'dead_lettered';
  if (disposition === 'duplicate') return 'skipped_duplicate';
  // Manual acks: the handler settled it itself.
  if (ctx.settled === 'nack') return 'retried';
  if (ctx.settled === 'reject') return 'failed';
  return 'acked';
}
