import 'reflect-metadata';
import { Controller, Module } from '@nestjs/common';
import { type } from 'arktype';
import * as v from 'valibot';
import { z } from 'zod';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { defineContract, NestreamAsyncApi, NestreamModule, Subscriber, type AsyncApiDocument } from '../../lib/index.js';

const ZodPlaced = defineContract('orders.placed', z.strictObject({ orderId: z.string(), quantity: z.int().min(1).max(10) }), { version: 'v1' });
const ArkShipped = defineContract('orders.shipped', type({ orderId: 'string', carrier: "'ups' | 'dhl'" }));
const ValibotCancelled = defineContract('orders.cancelled', v.strictObject({ orderId: v.string() }));

@Controller()
class OrderHandlers {
  @Subscriber(ZodPlaced)
  onPlaced() {}

  @Subscriber(ArkShipped)
  onShipped() {}

  @Subscriber(ValibotCancelled)
  onCancelled() {}
}

@Module({ imports: [NestreamModule.forRoot({ serviceName: 'orders' })], controllers: [OrderHandlers] })
class OrdersModule {}

/** Contracts made with defineContract: the payload schema is the library's own JSON Schema, where it gives one. */
describe('AsyncAPI document of Standard Schema contracts', () => {
  let doc: AsyncApiDocument;
  beforeAll(async () => {
    doc = await NestreamAsyncApi.fromModule(OrdersModule);
  });

  it("takes zod's and arktype's JSON Schema (the input side, draft-07)", () => {
    const schemaOf = (event: string) => {
      const message = Object.values(doc.components.messages).find((m) => m.name === event)!;
      return doc.components.schemas[(message.payload as { $ref: string }).$ref.split('/').pop()!];
    };
    expect(schemaOf('orders.placed')).toEqual({
      type: 'object',
      properties: { orderId: { type: 'string' }, quantity: { type: 'integer', minimum: 1, maximum: 10 } },
      required: ['orderId', 'quantity'],
      additionalProperties: false,
      'x-nestream-schema-vendor': 'zod',
    });
    expect(schemaOf('orders.shipped')).toMatchObject({
      type: 'object',
      properties: { orderId: { type: 'string' }, carrier: { enum: expect.arrayContaining(['ups', 'dhl']) } },
      required: ['carrier', 'orderId'],
      'x-nestream-schema-vendor': 'arktype',
    });
    // A library without a JSON Schema converter is named, not guessed at.
    expect(schemaOf('orders.cancelled')).toEqual({
      description: 'Validated by a valibot schema (Standard Schema), which exposes no JSON Schema.',
      'x-nestream-schema-vendor': 'valibot',
    });
  });
});
