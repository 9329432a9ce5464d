// app.module.ts: two in-memory transports, as the sample has (`main` and `events`)
import { Controller, Module } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { IsInt } from 'class-validator';
import { EventContract, MemoryTransport, NestreamModule, Publisher, Subscriber } from 'nestream';

@EventContract('order.placed')
export class OrderPlaced {
  @IsInt() orderId!: number;
}

@Controller()
export class OrderHandlers {
  @Subscriber(OrderPlaced, { transport: 'main', group: 'billing' })
  @Publisher('invoice.requested', { transport: 'events' })
  onOrderPlaced(@Payload() order: OrderPlaced) {
    return { orderId: order.orderId };
  }
}

@Module({
  imports: [
    NestreamModule.forRoot({
      serviceName: 'orders',
      transports: {
        main: new MemoryTransport(),
        events: new MemoryTransport({ maxMessageBytes: 256 * 1024 }),
      },
    }),
    NestreamModule.forFeature([OrderPlaced]),
  ],
  controllers: [OrderHandlers],
})
export class AppModule {}
