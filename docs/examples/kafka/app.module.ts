// app.module.ts
import { Controller, Module } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { NestreamModule, Subscriber } from 'nestream';
import { KafkaContext, KafkaTransport } from 'nestream/kafka';

@Controller()
export class BillingHandlers {
  @Subscriber('orders', { transport: 'kafka', group: 'billing', transportOptions: { fromBeginning: true } })
  async onOrder(@Payload() order: { orderId: number }, @Ctx() ctx: KafkaContext) {
    console.log(order.orderId, ctx.partition, ctx.offset, ctx.key, ctx.timestamp);
  }
}

@Module({
  imports: [
    NestreamModule.forRoot({
      serviceName: 'billing',
      transports: { kafka: new KafkaTransport({ brokers: ['127.0.0.1:9092'] }) },
    }),
  ],
  controllers: [BillingHandlers],
})
export class AppModule {}
