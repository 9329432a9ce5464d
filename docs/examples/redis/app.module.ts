// app.module.ts
import { Controller, Module } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { NestreamModule, Subscriber } from 'nestream';
import { RedisContext, RedisTransport } from 'nestream/redis';

interface Invoice { invoiceId: string; total: number }
interface Price { currency: string; amount: number }

const redis = new RedisTransport({ url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' });

@Controller()
export class InvoiceHandlers {
  @Subscriber('invoices', { transport: 'redis', group: 'mailer', concurrency: 8 })
  async onInvoice(@Payload() invoice: Invoice, @Ctx() ctx: RedisContext) {
    ctx.stream;         // 'invoices'
    ctx.entryId;        // '1718000000000-0'
    ctx.deliveryCount;  // 1 on the first delivery, 2+ on redeliveries
  }

  @Subscriber('prices.*', { transport: 'events' })        // PSUBSCRIBE, because of the '*'
  async onPrice(@Payload() price: Price, @Ctx() ctx: RedisContext) {
    ctx.channel;        // 'prices.eur'
    ctx.pattern;        // 'prices.*'
  }
}

@Module({
  imports: [
    NestreamModule.forRoot({
      serviceName: 'billing',
      transports: {
        redis,                                                             // streams
        events: new RedisTransport({ url: 'redis://127.0.0.1:6379', mode: 'pubsub' }),
      },
    }),
  ],
  controllers: [InvoiceHandlers],
})
export class AppModule {}
