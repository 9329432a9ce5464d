// @nestjs/microservices as its docs show it: one microservice with an @EventPattern handler,
// fed by a ClientProxy's emit(). Shared by every broker Nest supports; each broker file only
// chooses the transport options. nest+validation adds what a Nest team adds to check events:
// a ValidationPipe on the payload, with the same class-validator class nestream's contract is
// (whitelist + forbidNonWhitelisted, as nestream rejects extra keys).
import 'reflect-metadata';
import { Controller, Module, ValidationPipe, type INestMicroservice, type PipeTransform } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ClientProxyFactory, Ctx, EventPattern, Payload, type ClientOptions, type ClientProxy, type MicroserviceOptions } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import { defineOrderContract } from '../../order-contract.js';
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
  const pipes: PipeTransform[] = ctx.validation
    ? [new ValidationPipe({ expectedType: defineOrderContract(ctx.topic), whitelist: true, forbidNonWhitelisted: true })]
    : [];

  @Controller()
  class OrderHandlers {
    @EventPattern<Record<string, OrderCreatedEvent>>(ctx.topic)
    onOrderCreated(@Payload(...pipes) event: OrderCreatedEvent, @Ctx() context: unknown): void {
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
