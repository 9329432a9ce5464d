// shipping.ts: a contract from a Standard Schema (zod here; valibot and arktype work the same)
import { Controller, Injectable } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { z } from 'zod';
import { defineContract, InjectPublisher, Subscriber, type EventOf, type PublisherOf } from 'nestream';

export const OrderShipped = defineContract(
  'order.shipped',
  z.strictObject({ orderId: z.uuid(), carrier: z.enum(['ups', 'dhl']) }),   // strict: unknown keys are errors
  { version: 'v1' },
);
export type OrderShipped = EventOf<typeof OrderShipped>;   // the schema's output: what handlers get

@Controller()
export class Shipping {
  @Subscriber(OrderShipped)
  onShipped(@Payload() event: OrderShipped) {               // { orderId: string; carrier: 'ups' | 'dhl' }
    console.log(event.orderId, event.carrier);
  }
}

@Injectable()
export class Dispatch {
  // The payload type comes from the schema (its input side).
  constructor(@InjectPublisher(OrderShipped) private readonly shipped: PublisherOf<typeof OrderShipped>) {}

  ship(orderId: string) {
    return this.shipped.publish({ orderId, carrier: 'ups' });
  }
}
