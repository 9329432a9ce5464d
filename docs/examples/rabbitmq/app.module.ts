// app.module.ts
import { Controller, Module } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { NestreamModule, Subscriber } from 'nestream';
import { RabbitContext, RabbitTransport } from 'nestream/rabbitmq';
import { OrderPaid, UserCreated } from './events.js'; // @EventContract classes

@Controller()
export class BillingHandlers {
  // Queue "invoices.user.created", bound to the "nestream" topic exchange with "user.created".
  @Subscriber(UserCreated, { group: 'invoices', concurrency: 10 })
  async onUserCreated(@Payload() event: UserCreated, @Ctx() ctx: RabbitContext) {
    console.log(ctx.exchange, ctx.routingKey, ctx.redelivered, ctx.properties.messageId);
  }

  // A queue declared in the options, fed by another exchange.
  @Subscriber(OrderPaid, { group: 'billing', transportOptions: { queue: 'billing.orders', exchange: 'orders' } })
  async onOrderPaid(@Payload() order: OrderPaid) {
    console.log(order.orderId);
  }
}

@Module({
  controllers: [BillingHandlers],
  imports: [
    NestreamModule.forRoot({
      serviceName: 'billing',
      transports: {
        rabbit: new RabbitTransport({
          url: process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
          exchanges: [{ name: 'orders', type: 'direct' }],
          queues: [{ name: 'billing.orders', type: 'quorum', bindings: [{ exchange: 'orders', pattern: 'order.paid' }] }],
        }),
      },
    }),
  ],
})
export class AppModule {}
