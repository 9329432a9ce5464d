// app.module.ts: consume on Kafka, publish on NATS
import { Controller, Module } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { NestreamModule, Publisher, Subscriber } from 'nestream';
import { KafkaTransport } from 'nestream/kafka';
import { NatsTransport } from 'nestream/nats';
import { UserCreated } from '../publishing/typed-publisher.js';

@Controller()
export class Onboarding {
  @Subscriber(UserCreated, { transport: 'kafka', group: 'onboarding' })
  @Publisher('onboarding.started', { transport: 'nats' })   // consume on one, publish on the other
  onUserCreated(@Payload() event: UserCreated) {
    return { userId: event.userId };
  }
}

@Module({
  imports: [
    NestreamModule.forRoot({
      serviceName: 'users',
      transports: {
        kafka: new KafkaTransport({ brokers: ['127.0.0.1:9092'] }),   // the first is the default
        nats: new NatsTransport({ servers: '127.0.0.1:4222' }),
      },
    }),
  ],
  controllers: [Onboarding],
})
export class AppModule {}
