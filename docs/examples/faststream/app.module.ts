// app.module.ts: every transport as FastStream 0.7 meets it with its defaults; pick yours.
import { Module } from '@nestjs/common';
import { NestreamModule } from 'nestream';
import { KafkaTransport } from 'nestream/kafka';
import { NatsTransport } from 'nestream/nats';
import { RabbitTransport } from 'nestream/rabbitmq';
import { RedisTransport } from 'nestream/redis';
import { BillingHandlers } from './billing.handlers.js';
import { OrderBilled } from './order-placed.js';

const transports = {
  kafka: new KafkaTransport({ brokers: ['127.0.0.1:9092'] }),
  nats: new NatsTransport({ servers: 'nats://127.0.0.1:4222' }),
  // JetStream: nestream uses the stream FastStream declared (JStream) when it captures the subject.
  jetstream: new NatsTransport({ servers: 'nats://127.0.0.1:4222', jetstream: true }),
  // RabbitMQ: nestream publishes to its topic exchange "nestream" with the topic as routing key;
  // FastStream binds its queues to RabbitExchange("nestream", type=ExchangeType.TOPIC, durable=True).
  rabbit: new RabbitTransport({ url: 'amqp://guest:guest@127.0.0.1:5672' }),
  // Redis: FastStream's binary envelope is the default wire format (wireFormat: 'binary').
  redis: new RedisTransport({ url: 'redis://127.0.0.1:6379' }),
  redisPubSub: new RedisTransport({ url: 'redis://127.0.0.1:6379', mode: 'pubsub' }),
};

@Module({
  imports: [NestreamModule.forRoot({ serviceName: 'billing', transports: { kafka: transports.kafka } }), NestreamModule.forFeature([OrderBilled])],
  providers: [BillingHandlers],
})
export class AppModule {}
