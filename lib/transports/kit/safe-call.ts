import type { Delivery } from '../../core/message.js';
import type { SettleOnceDelivery } from './settle-once.js';

/**
 * Runs the subscription's handler on deliveries so that nothing it does can take a consume
 * loop down or lose a message: a throw (sync or async) is reported to `onError`, and every
 * delivery it left unsettled is nacked at once (not left to an ack timeout). Resolves when
 * the handler returned; never rejects.
 */
export function callSafely<D extends SettleOnceDelivery>(
  run: () => Promise<void>,
  deliveries: readonly D[],
  onError: (error: unknown) => void,
): Promise<void> {
  // Not an async function: one promise per call (the `then`), not one per await.
  let running: Promise<void>;
  try {
    running = run();
  } catch (error) {
    running = Promise.reject(error);
  }
  return running.then(
    () => nackUnsettled(deliveries, onError),
    (error: unknown) => {
      onError(error);
      return nackUnsettled(deliveries, onError);
    },
  );
}

function nackUnsettled(deliveries: readonly SettleOnceDelivery[], onError: (error: unknown) => void): Promise<void> | undefined {
  if (deliveries.length === 1) return deliveries[0]!.settlement ? undefined : nackQuietly(deliveries[0]!, onError);
  const open = deliveries.filter((delivery) => !delivery.settlement);
  return open.length === 0 ? undefined : Promise.all(open.map((delivery) => nackQuietly(delivery, onError))).then(() => undefined);
}

function nackQuietly(delivery: Delivery, onError: (error: unknown) => void): Promise<void> {
  return delivery.nack().catch(onError);
}
