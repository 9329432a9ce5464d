import type { MessageContext } from '../core/message-context.js';
import { idempotencyKeyOf } from '../interceptors/idempotency.interceptor.js';

/**
 * Splits a batch for idempotent handlers: the first message of each idempotency key, and the
 * later copies, which must wait until the first has been recorded as processed.
 */
export function splitRepeatedKeys(contexts: readonly MessageContext[]): [MessageContext[], MessageContext[]] {
  const seen = new Set<string>();
  const first: MessageContext[] = [];
  const later: MessageContext[] = [];
  for (const ctx of contexts) {
    const key = idempotencyKeyOf(ctx);
    if (key && seen.has(key)) later.push(ctx);
    else {
      if (key) seen.add(key);
      first.push(ctx);
    }
  }
  return [first, later];
}
