// billing.handlers.ts
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { MessageContext, Subscriber } from 'nestream';
import { OrderPlaced } from '../contracts/order-placed.js';

@Controller()   // or @Injectable(): controllers and providers are both discovered
export class BillingHandlers {
  @Subscriber(OrderPlaced, { transport: 'kafka', group: 'billing', concurrency: 20 })
  @Subscriber('order.imported', { transport: 'rabbitmq' })   // stackable
  charge(@Payload() order: OrderPlaced, @Ctx() ctx: MessageContext) {
    console.log(`charging ${order.orderId} (${ctx.topic}, attempt ${ctx.attempt})`);
  }
}
