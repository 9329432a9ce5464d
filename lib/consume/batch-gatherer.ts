import type { Delivery } from '../core/message.js';
import type { BatchSubscribeRequest, DeliveryHandler, SubscribeRequest } from '../core/transport.js';

interface OpenBatch {
  readonly deliveries: Delivery[];
  readonly timer: NodeJS.Timeout;
  readonly done: Promise<void>;
  run(): void;
}

/**
 * Batches for transports that deliver one message at a time: deliveries gather until
 * `maxSize` wait or `maxWaitMs` has passed since the first, then go to the batch handler
 * together. Each delivery's promise resolves only when its batch is done, so the transport's
 * own in-flight limit (`maxSize × concurrency`) is the back-pressure.
 */
export function gatherBatches(request: BatchSubscribeRequest): SubscribeRequest {
  const { maxSize, maxWaitMs, handler } = request;
  let open: OpenBatch | undefined;

  const flush = (batch: OpenBatch): void => {
    if (open !== batch) return;
    open = undefined;
    clearTimeout(batch.timer);
    batch.run();
  };

  const start = (): OpenBatch => {
    const deliveries: Delivery[] = [];
    let run!: () => void;
    const done = new Promise<void>((resolve, reject) => (run = () => handler(deliveries).then(resolve, reject)));
    const batch: OpenBatch = { deliveries, done, run, timer: setTimeout(() => flush(batch), maxWaitMs) };
    return batch;
  };

  const gather: DeliveryHandler = (delivery) => {
    const batch = (open ??= start());
    batch.deliveries.push(delivery);
    if (batch.deliveries.length >= maxSize) flush(batch);
    return batch.done;
  };

  const { maxSize: _size, maxWaitMs: _wait, concurrency, ...rest } = request;
  return { ...rest, concurrency: maxSize * concurrency, handler: gather };
}
