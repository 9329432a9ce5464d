// nestream as a user writes it: a Nest app with NestreamModule.forRoot on one transport, an
// @EventContract class, a @Subscriber handler and the injected typed publisher. Default chain:
// settle (ack after success) → correlation → dead letter → retry → validation → Nest context.
import 'reflect-metadata';
import { Injectable, Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, Payload } from '@nestjs/microservices';
import { getPublisherToken, NestreamModule, Subscriber, type EventPublisher, type MessageContext } from '../../lib/index.js';
import { defineOrderContract } from '../order-contract.js';
import type { OrderCreatedEvent } from '../workload.js';
import { deleteJetStreams, deleteKafkaTopics, deleteRedisKeys } from './cleanup.js';
import { nestreamSubscriberOptions, nestreamTransport } from './nestream-transports.js';
import type { OnEvent, Scenario, ScenarioFactory } from './scenario.js';

const createScenario: ScenarioFactory = async (ctx) => {
  const OrderCreated = defineOrderContract(ctx.topic);
  let onEvent: OnEvent = () => undefined;

  @Injectable()
  class OrderHandlers {
    @Subscriber(OrderCreated, { group: ctx.group, transportOptions: nestreamSubscriberOptions(ctx.broker, ctx.concurrency) })
    onOrderCreated(@Payload() event: OrderCreatedEvent, @Ctx() _ctx: MessageContext): void {
      onEvent(event);
    }
  }

  @Module({
    imports: [
      NestreamModule.forRoot({ serviceName: 'bench', transports: { main: nestreamTransport(ctx.broker) }, concurrency: ctx.concurrency }),
      NestreamModule.forFeature([OrderCreated]),
    ],
    providers: [OrderHandlers],
  })
  class BenchModule {}

  let app: INestApplicationContext | undefined;
  let publisher: EventPublisher<OrderCreatedEvent>;
  const scenario: Scenario = {
    async start(handler) {
      onEvent = handler;
      app = await NestFactory.createApplicationContext(BenchModule, { logger: ['error', 'warn'] });
      publisher = app.get(getPublisherToken(OrderCreated));
    },
    publish: (event) => publisher.publish(event),
    async stop() {
      await app?.close();
      if (ctx.broker === 'jetstream') await deleteJetStreams(ctx.topic);
      if (ctx.broker === 'redis-streams') await deleteRedisKeys([ctx.topic]);
      if (ctx.broker === 'kafka' || ctx.broker === 'kafka-platformatic') await deleteKafkaTopics([ctx.topic]);
    },
  };
  return scenario;
};

export default createScenario;
