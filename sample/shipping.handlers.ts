import { Controller, Logger } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { MessageContext, Subscriber } from '../lib/index.js';
import { InboxTransaction } from '../lib/outbox/index.js';
import type { Queryable } from './database.js';
import { OrderPlaced } from './order-events.js';

/**
 * Consumes `order.placed` through the inbox (idempotent on the PostgreSQL store): the shipment
 * row commits in the same transaction as the message's processed mark, so a redelivered copy
 * never ships twice. The idempotency key is the outbox event id.
 */
@Controller()
export class ShippingHandlers {
  private readonly logger = new Logger('Shipping');

  @Subscriber(OrderPlaced, { transport: 'main', group: 'shipping', idempotent: true })
  async onOrderPlaced(@Payload() event: OrderPlaced, @Ctx() ctx: MessageContext) {
    await InboxTransaction.current<Queryable>().query('INSERT INTO shipments (order_id) VALUES ($1)', [event.orderId]);
    this.logger.log(`order.placed ${event.orderId} (${event.quantity} × ${event.item}) via the outbox, event ${ctx.event.id}: shipment recorded`);
  }
}
