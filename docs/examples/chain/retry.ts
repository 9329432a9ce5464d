// payments.module.ts: retry for every handler, and more for one
import { Controller, Module } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { NestreamModule, Subscriber } from 'nestream';

@Controller()
export class PaymentHandlers {
  @Subscriber('payments', { retry: { attempts: 10 } })   // per handler; `retry: false` turns it off
  async onPayment(@Payload() payment: { id: string }) {
    console.log('charging', payment.id);
  }
}

@Module({
  imports: [NestreamModule.forRoot({ serviceName: 'billing', retry: { attempts: 5, backoff: { initialMs: 100, factor: 2, maxMs: 30_000, jitter: 0.1 } } })],
  controllers: [PaymentHandlers],
})
export class PaymentsModule {}
