// @nestjs/microservices as its docs show it: one microservice with an @EventPattern handler,
// fed by a ClientProxy's emit(). Shared by every broker Nest supports; each broker file only
// chooses the transport options.
import 'reflect-metadata';
import { Controller, Module, type INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ClientProxyFactory, Ctx, EventPattern, Payload, type ClientOptions, type ClientProxy, type MicroserviceOptions } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import type { OrderCreatedEvent } from '../../workload.js';
import type { OnEvent, Scenario, ScenarioContext } from '../scenario.js';

export interface NestSetup {
  server: MicroserviceOptions;
  client: ClientOptions;
  /** Settles one message after the handler ran (manual ack where Nest offers it). */
  ack?: (context: unknown) => void;
  cleanup?: () => Promise<void>;
}

export function nestScenario(ctx: ScenarioContext, setup: NestSetup): Scenario {
  let onEvent: OnEvent = () => undefined;
  const ack = setup.ack;

  @Controller()
  class OrderHandlers {
    @EventPattern<Record<string, OrderCreatedEvent>>(ctx.topic)
    onOrderCreated(@Payload() event: OrderCreatedEvent, @Ctx() context: unknown): void {
      onEvent(event);
      ack?.(context);
    }
  }

  @Module({ controllers: [OrderHandlers] })
  class BenchModule {}

  let app: INestMicroservice | undefined;
  let client: ClientProxy | undefined;
  return {
    async start(handler) {
      onEvent = handler;
      app = await NestFactory.createMicroservice<MicroserviceOptions>(BenchModule, { ...setup.server, logger: ['error', 'warn'] });
      await app.listen();
      client = ClientProxyFactory.create(setup.client);
      await client.connect();
    },
    publish: (event) => lastValueFrom(client!.emit(ctx.topic, event), { defaultValue: undefined }),
    async stop() {
      await client?.close();
      await app?.close();
      await setup.cleanup?.();
    },
  };
}
