// orders.module.ts: the app under test
import { Controller, Module } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { IsInt, IsPositive } from 'class-validator';
import { EventContract, NestreamModule, Publisher, Subscriber } from 'nestream';

@EventContract('order.placed', { version: 'v1' })
export class OrderPlaced {
  @IsInt() orderId!: number;
  @IsPositive() total!: number;
}

@Controller()
export class BillingHandlers {
  @Subscriber(OrderPlaced, { group: 'billing' })
  @Publisher('invoice.requested')
  onOrderPlaced(@Payload() order: OrderPlaced) {
    return { orderId: order.orderId, amount: order.total };
  }
}

@Module({
  imports: [NestreamModule.forRoot({ serviceName: 'orders' }), NestreamModule.forFeature([OrderPlaced])],
  controllers: [BillingHandlers],
})
export class OrdersModule {}
