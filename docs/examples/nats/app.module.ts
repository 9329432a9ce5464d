// app.module.ts
import { Controller, Module } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { NestreamModule, Subscriber } from 'nestream';
import { NatsContext, NatsTransport } from 'nestream/nats';

@Controller()
export class BillingHandlers {
  // Core NATS: every `orders.<anything>` subject, shared by the members of queue group "billing".
  @Subscriber('orders.*', { transport: 'nats', group: 'billing' })
  onOrder(@Payload() order: { orderId: number }, @Ctx() ctx: NatsContext) {
    console.log(ctx.subject, order.orderId);
  }

  // JetStream: durable consumer "invoices" on the stream that stores `payments.settled`.
  @Subscriber('payments.settled', {
    transport: 'jetstream',
    group: 'invoices',
    concurrency: 10,
    transportOptions: { ackWaitMs: 60_000, deliverPolicy: 'new' },
  })
  onPayment(@Payload() payment: { id: string }, @Ctx() ctx: NatsContext) {
    console.log(ctx.stream, ctx.streamSequence, ctx.deliveryCount, payment.id);
  }
}

@Module({
  imports: [
    NestreamModule.forRoot({
      serviceName: 'billing',
      transports: {
        nats: new NatsTransport({ servers: '127.0.0.1:4222' }),
        jetstream: new NatsTransport({
          servers: ['nats://127.0.0.1:4222'],
          jetstream: {
            // Topics under `payments.` share one stream; others get a stream of their own.
            streams: [{ name: 'PAYMENTS', subjects: ['payments.>'], storage: 'file', replicas: 1 }],
            streamDefaults: { maxAgeMs: 7 * 24 * 3600_000 },
          },
        }),
      },
      retry: { attempts: 5, backoff: { initialMs: 500, factor: 2, maxMs: 30_000 } },
      deadLetter: true,
    }),
  ],
  controllers: [BillingHandlers],
})
export class AppModule {}
