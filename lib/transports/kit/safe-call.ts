import type { Delivery } from '../../core/message.js';
import type { SettleOnceDelivery } from './settle-once.js';

/**
 * Runs the subscription's handler on deliveries so that nothing it does can take a consume
 * loop down or lose a message: a throw (sync or async) is reported to `onError`, and every
 * delivery it left unsettled is nacked at once (not left to an ack timeout). Resolves when
 * the handler returned; never rejects.
 */
export async function callSafely<D extends SettleOnceDelivery>(
  run: () => Promise<void>,
  deliveries: readonly D[],
  onError: (error: unknown) => void,
): Promise<void> {
  try {
    await run();
  } catch (error) {
    onError(error);
  }
  await Promise.all(deliveries.map((delivery) => (delivery.settlement ? undefined : nackQuietly(delivery, onError))));
}

function nackQuietly(delivery: Delivery, onError: (error: unknown) => void): Promise<void> {
  return delivery.nack().catch(onError);
}
