// payments.module.ts: skip repeats of an idempotency key, remembered in Redis for a day
import { Controller, Module } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { NestreamModule, Subscriber } from 'nestream';
import { RedisIdempotencyStore } from 'nestream/redis';

@Controller()
export class PaymentHandlers {
  @Subscriber('payments', { idempotent: true })   // or per handler
  async onPayment(@Payload() payment: { id: string }) {
    console.log('charging', payment.id);
  }
}

@Module({
  imports: [
    NestreamModule.forRoot({
      serviceName: 'billing',
      idempotency: { enabled: true, ttlMs: 86_400_000, store: new RedisIdempotencyStore({ url: 'redis://127.0.0.1:6379' }) },
    }),
  ],
  controllers: [PaymentHandlers],
})
export class PaymentsModule {}
