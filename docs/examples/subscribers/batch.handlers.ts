// order-store.handlers.ts: a batch handler
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { IsString } from 'class-validator';
import { EventContract, MessageContext, Publisher, Subscriber } from 'nestream';
import { OrderPlaced } from '../contracts/order-placed.js';

@EventContract('invoice.requested')
export class InvoiceRequested {
  @IsString() orderId!: string;
}

/** Whatever stores orders in bulk: yours. */
export abstract class OrderStore {
  abstract insertMany(orders: OrderPlaced[]): Promise<void>;
}

@Controller()
export class OrderStoreHandlers {
  constructor(private readonly db: OrderStore) {}

  @Subscriber(OrderPlaced, { transport: 'kafka', batch: { maxSize: 500, maxWaitMs: 100 } })
  @Publisher(InvoiceRequested)                 // an array result is published element by element
  async store(@Payload() orders: OrderPlaced[], @Ctx() contexts: MessageContext[]) {
    await this.db.insertMany(orders);
    console.log(`stored ${orders.length} orders, keys ${contexts.map((ctx) => ctx.key).join(', ')}`);
    return orders.map((o) => ({ orderId: o.orderId }));
  }
}
