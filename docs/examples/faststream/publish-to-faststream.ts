// publish-to-faststream.ts: publishing to a FastStream subscriber, with a correlation id of your own.
import { Injectable } from '@nestjs/common';
import { CorrelationScope, EventPublisher, InjectPublisher } from 'nestream';
import { OrderBilled } from './order-placed.js';

@Injectable()
export class BillingNotifier {
  constructor(@InjectPublisher(OrderBilled) private readonly billed: EventPublisher<OrderBilled>) {}

  // FastStream sees message.correlation_id == correlationId and message.message_id == the id here
  // (on Kafka FastStream makes its message_id from offset and timestamp; the header is still there).
  notify(event: OrderBilled, correlationId: string): Promise<void> {
    return CorrelationScope.run(correlationId, () => this.billed.publish(event, { messageId: `billed-${event.orderId}` }));
  }
}
