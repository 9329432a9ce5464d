import type { Delivery } from '../../core/message.js';
import type { GroupSubscription } from './group-subscription.js';
import { createKafkaDelivery, type Settlement } from './kafka-delivery.js';
import type { KafkaRawMessage } from './kafka.context.js';

type SettlingDelivery = Delivery & { readonly settled: boolean };

/**
 * Hands deliveries to the subscription's handler (one at a time or as one batch) and resolves
 * with each one's settlement once all are settled; then releases the subscription's slot.
 */
export function deliverChunk(subscription: GroupSubscription, raws: readonly KafkaRawMessage[], attempt: number): Promise<Settlement[]> {
  return new Promise<Settlement[]>((resolve) => {
    const settlements: Settlement[] = new Array(raws.length);
    let unsettled = raws.length;
    const deliveries: SettlingDelivery[] = raws.map((raw, i) =>
      createKafkaDelivery({
        raw,
        attempt,
        onSettle: (settlement) => {
          settlements[i] = settlement;
          if (--unsettled > 0) return;
          subscription.slots.release();
          resolve(settlements);
        },
      }),
    );
    // The pipeline settles every delivery, possibly after its handler returned. A handler that
    // throws must neither crash the consumer nor lose a message: what it left unsettled is nacked.
    const failed = (): void => deliveries.forEach((delivery) => void (delivery.settled || delivery.nack()));
    try {
      const handler = subscription.handler;
      const running = handler.kind === 'batch' ? handler.handle(deliveries) : handler.handle(deliveries[0]!);
      running.catch(failed);
    } catch {
      failed();
    }
  });
}
