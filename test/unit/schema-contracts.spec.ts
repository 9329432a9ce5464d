import 'reflect-metadata';
import { Controller, Injectable, type INestApplication } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { type } from 'arktype';
import * as v from 'valibot';
import { z } from 'zod';
import { afterEach, describe, expect, it } from '@jest/globals';
import { validateContract, validatorOf } from '../../lib/contracts/contract-validator.js';
import { contractOf } from '../../lib/decorators/metadata-accessor.js';
import {
  ConfigurationError,
  DeadLetterHeaders,
  defineContract,
  EventPublisher,
  InjectPublisher,
  MessageBus,
  MessageContext,
  MessageValidationError,
  Subscriber,
  type EventInputOf,
  type EventOf,
  type PublisherOf,
} from '../../lib/index.js';
import { bootApp, eventually } from '../support/app-harness.js';

const ZodSignup = defineContract('signup.zod', z.strictObject({ email: z.email(), address: z.object({ zip: z.int() }), tags: z.array(z.string()) }));
const ValibotSignup = defineContract(
  'signup.valibot',
  v.strictObject({ email: v.pipe(v.string(), v.email()), address: v.object({ zip: v.pipe(v.number(), v.integer()) }), tags: v.array(v.string()) }),
);
const ArkSignup = defineContract('signup.arktype', type({ '+': 'reject', email: 'string.email', address: { zip: 'number.integer' }, tags: 'string[]' }));

const check = (contract: Function) => validatorOf(contractOf(contract as never, 'test'));
const failure = (run: () => unknown): MessageValidationError => {
  try {
    run();
  } catch (error) {
    if (error instanceof MessageValidationError) return error;
    throw error;
  }
  throw new Error('expected a MessageValidationError');
};

describe('Standard Schema contracts', () => {
  const valid = { email: 'ada@example.com', address: { zip: 1234 }, tags: ['a'] };
  const invalid = { email: 'nope', address: { zip: 'x' }, tags: ['a', 1] };

  it.each([
    ['zod', ZodSignup],
    ['valibot', ValibotSignup],
    ['arktype', ArkSignup],
  ])('%s: the schema output is the event, synchronously; issues take class-validator’s shape (nested properties as children)', (vendor, contract) => {
    const event = check(contract)(valid);
    expect(event).not.toBeInstanceOf(Promise);
    expect(event).toEqual(valid);
    const error = failure(() => check(contract)(invalid));
    expect(error.contract).toBe(`signup.${vendor}`);
    const byProperty = Object.fromEntries(error.issues.map((issue) => [issue.property, issue]));
    expect(Object.keys(byProperty).sort()).toEqual(['address', 'email', 'tags']);
    expect(byProperty.email).toEqual({ property: 'email', constraints: { [vendor]: expect.any(String) } });
    expect(byProperty.address).toEqual({ property: 'address', constraints: {}, children: [{ property: 'zip', constraints: { [vendor]: expect.any(String) } }] });
    expect(byProperty.tags).toEqual({ property: 'tags', constraints: {}, children: [{ property: '1', constraints: { [vendor]: expect.any(String) } }] });
    expect(error.message).toMatch(/^signup\.\w+ failed validation: .*address\.zip: /);
  });

  it('puts issues about the payload as a whole on (payload), and a second message on one property under vendor#2', () => {
    const Strict = defineContract('strict', z.strictObject({ code: z.string().min(3).regex(/^\d+$/) }));
    expect(failure(() => check(Strict)({ code: 'ab', extra: 1 })).issues).toEqual([
      { property: 'code', constraints: { zod: expect.stringContaining('3'), 'zod#2': expect.stringContaining('pattern') } },
      { property: '(payload)', constraints: { zod: 'Unrecognized key: "extra"' } },
    ]);
  });

  it('waits only for an asynchronous schema', async () => {
    const Async = defineContract('async', z.object({ name: z.string().refine(async (name) => name !== 'taken', 'taken') }));
    const checked = check(Async)({ name: 'taken' });
    expect(checked).toBeInstanceOf(Promise);
    await expect(checked).rejects.toMatchObject({ issues: [{ property: 'name', constraints: { zod: 'taken' } }] });
    await expect(check(Async)({ name: 'free' })).resolves.toEqual({ name: 'free' });
  });

  it('validates with the schema through validateContract too (given the contract class)', async () => {
    await expect(validateContract(ZodSignup, 'signup.zod', valid)).resolves.toEqual(valid);
    await expect(validateContract(ZodSignup, 'signup.zod', invalid)).rejects.toBeInstanceOf(MessageValidationError);
  });

  it('refuses what is not a Standard Schema', () => {
    expect(() => defineContract('nope', { parse: () => ({}) } as never)).toThrow(ConfigurationError);
  });

  it('types the event (schema output) and the publisher payload (schema input)', () => {
    const Order = defineContract('typed', z.object({ id: z.string(), qty: z.number().default(1) }));
    const event: EventOf<typeof Order> = { id: 'a', qty: 1 };
    const input: EventInputOf<typeof Order> = { id: 'a' };
    // @ts-expect-error the event has a qty once the schema's default applied
    const missing: EventOf<typeof Order> = { id: 'a' };
    // @ts-expect-error an id is a string
    const wrong: EventInputOf<typeof Order> = { id: 1 };
    expect([event, input, missing, wrong]).toHaveLength(4);
    expect(Order.schema['~standard'].vendor).toBe('zod');
  });
});

const OrderPlaced = defineContract('order.placed', z.object({ orderId: z.uuid(), quantity: z.int().min(1), note: z.string().default('') }), { version: 'v1' });
type OrderPlaced = EventOf<typeof OrderPlaced>;

const placed: OrderPlaced[] = [];
const deadLetters: { headers: Readonly<Record<string, string>> }[] = [];

@Controller()
class OrderHandlers {
  @Subscriber(OrderPlaced, { retry: false })
  onPlaced(@Payload() event: OrderPlaced) {
    placed.push(event);
  }

  @Subscriber('order.placed.dlq', { decode: false, deadLetter: false, retry: false })
  onDeadLetter(_body: Buffer, @Ctx() ctx: MessageContext) {
    deadLetters.push({ headers: ctx.headers });
  }
}

@Injectable()
class Orders {
  constructor(@InjectPublisher(OrderPlaced) readonly publisher: PublisherOf<typeof OrderPlaced>) {}
}

let app: INestApplication | undefined;
afterEach(async () => {
  placed.length = 0;
  deadLetters.length = 0;
  await app?.close();
  app = undefined;
});

describe('Standard Schema contracts in a module', () => {
  const orderId = '9b2f6c1e-3d4a-4b8c-9e7f-0a1b2c3d4e5f';

  it('a typed publisher validates with the schema; the subscriber gets the schema’s output', async () => {
    app = await bootApp({}, [OrderHandlers, Orders], [OrderPlaced]);
    const publisher: EventPublisher<EventInputOf<typeof OrderPlaced>> = app.get(Orders).publisher;
    await publisher.publish({ orderId, quantity: 2 });
    await eventually(() => placed.length === 1, 'the order');
    expect(placed[0]).toEqual({ orderId, quantity: 2, note: '' });
    await expect(publisher.publish({ orderId: 'x', quantity: 0 })).rejects.toBeInstanceOf(MessageValidationError);
  });

  it('dead-letters a consumed message the schema rejects, with the same error headers as a class contract', async () => {
    app = await bootApp({}, [OrderHandlers, Orders], [OrderPlaced]);
    // Sent past the publisher's validation, as another producer might.
    await app.get(MessageBus).send('order.placed', { orderId, quantity: 'two' }, {});
    await eventually(() => deadLetters.length === 1, 'the dead letter');
    const headers = deadLetters[0]!.headers;
    expect(headers[DeadLetterHeaders.reason]).toBe('validation-failed');
    expect(headers[DeadLetterHeaders.errorName]).toBe('MessageValidationError');
    expect(JSON.parse(headers[DeadLetterHeaders.validationErrors]!)).toEqual([{ property: 'quantity', constraints: { zod: expect.stringContaining('number') } }]);
    expect(placed).toEqual([]);
  });
});
