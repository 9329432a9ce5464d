import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { Type } from 'class-transformer';
import {
  IsEmail,
  IsInt,
  IsOptional,
  IsString,
  Min,
  registerDecorator,
  Validate,
  ValidateIf,
  ValidateNested,
  ValidatorConstraint,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { defineOrderContract } from '../../bench/order-contract.js';
import { makeOrder } from '../../bench/workload.js';
import { planOf } from '../../lib/contracts/compile-contract.js';
import { readContractRules } from '../../lib/contracts/contract-rules.js';
import { validatorOf } from '../../lib/contracts/contract-validator.js';
import { MessageValidationError } from '../../lib/core/errors.js';
import type { Delivery } from '../../lib/core/message.js';
import { MessageContext } from '../../lib/core/message-context.js';
import { PayloadInterceptor } from '../../lib/interceptors/payload.interceptor.js';

const contract = <T extends object>(target: new () => T) => ({ name: target.name, target });
const issuesOf = (run: () => unknown): unknown => {
  try {
    run();
  } catch (error) {
    if (error instanceof MessageValidationError) return error.issues;
    throw error;
  }
  throw new Error('expected a MessageValidationError');
};

@ValidatorConstraint({ name: 'even' })
class Even implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'number' && value % 2 === 0;
  }
}

class WithCustom {
  @Validate(Even) n!: number;
}

class WithValidateIf {
  @ValidateIf((o: { kind?: string }) => o.kind === 'a') @IsString() a!: string;
  @IsString() kind!: string;
}

class WithGroups {
  @IsInt({ groups: ['admin'] }) n!: number;
}

/** A custom decorator that reuses a built-in's name: its behaviour, not its name, must decide. */
function IsEmailish(): PropertyDecorator {
  return (target, property) =>
    registerDecorator({ name: 'isEmail', target: target.constructor, propertyName: property as string, validator: { validate: (v: unknown) => typeof v === 'string' && v.includes('@') } });
}
class WithLookalike {
  @IsEmailish() email!: string;
}

class Street {
  @Validate(Even) number!: number;
}
class Address {
  @ValidateNested() @Type(() => Street) street!: Street;
}

// TypeScript will not declare a string `toString`; decorate it as the compiler would.
class Prototypal {}
IsString()(Prototypal.prototype, 'toString');

afterEach(() => {
  jest.restoreAllMocks();
});

describe('compiled contracts', () => {
  it("compiles the bench's event (no class-transformer metadata: a plain-instance builder) and validates it synchronously", () => {
    const Order = defineOrderContract('compiled.order');
    expect(planOf(Order)?.build).toBeDefined();
    const validate = validatorOf(contract(Order));
    const event = validate(makeOrder(1, 2));
    expect(event).not.toBeInstanceOf(Promise);
    expect(event).toBeInstanceOf(Order);
    expect(event).toEqual(makeOrder(1, 2));
  });

  it("rejects as class-validator does: its default messages, extra keys as 'should not exist', in its order", () => {
    const Order = defineOrderContract('compiled.order.rejects');
    const validate = validatorOf(contract(Order));
    expect(issuesOf(() => validate({ ...makeOrder(1, 2), admin: true, email: 'nope', seq: -1, currency: 'JPY' }))).toStrictEqual([
      { property: 'admin', constraints: { whitelistValidation: 'property admin should not exist' } },
      { property: 'seq', constraints: { min: 'seq must not be less than 0' } },
      { property: 'email', constraints: { isEmail: 'email must be an email' } },
      { property: 'currency', constraints: { isIn: 'currency must be one of the following values: EUR, USD, GBP' } },
    ]);
  });

  it('keeps class-validator for a class with a rule it does not compile, and says which class and rule at debug level', () => {
    const debug = jest.spyOn(Logger.prototype, 'debug').mockImplementation(() => undefined);
    for (const [target, said] of [
      [WithCustom, "WithCustom.n: rule 'even' is not one nestream compiles, so class-validator validates WithCustom"],
      [WithValidateIf, 'WithValidateIf.a: @ValidateIf is not compiled, so class-validator validates WithValidateIf'],
      [WithGroups, "WithGroups.n: rule 'isInt' has groups, so class-validator validates WithGroups"],
      [WithLookalike, "WithLookalike.email: rule 'isEmail' does not behave as class-validator's built-in 'isEmail', so class-validator validates WithLookalike"],
    ] as const) {
      expect(planOf(target)).toBeUndefined();
      expect(debug).toHaveBeenCalledWith(said);
    }
    // ...and class-validator's verdicts stand.
    expect(issuesOf(() => validatorOf(contract(WithCustom))({ n: 3 }))).toStrictEqual([{ property: 'n', constraints: { even: '' } }]);
    expect(validatorOf(contract(WithValidateIf))({ kind: 'b', a: 1 })).toBeInstanceOf(WithValidateIf);
    expect(validatorOf(contract(WithLookalike))({ email: '@' })).toBeInstanceOf(WithLookalike);
  });

  it('hands a payload to class-validator whole when a nested object is of a class it does not compile', async () => {
    expect(planOf(Address)).toBeDefined();
    expect(planOf(Street)).toBeUndefined();
    const validate = validatorOf(contract(Address));
    const checked = validate({ street: { number: 3 } });
    // class-validator validates nested rules asynchronously: here, and only here, there is a promise.
    expect(checked).toBeInstanceOf(Promise);
    await expect(checked).rejects.toMatchObject({ issues: [{ property: 'street', constraints: {}, children: [{ property: 'number', constraints: { even: '' } }] }] });
    await expect(validate({ street: { number: 4 } })).resolves.toBeInstanceOf(Address);
  });

  it('leaves a property named like an Object.prototype member to class-validator (which fails on it, as before)', () => {
    expect(planOf(Prototypal)).toBeUndefined();
    expect(() => validatorOf(contract(Prototypal))({ toString: 'x' })).toThrow(TypeError);
  });

  it('reads the rule model: properties in validation order, rule kinds, arguments, each, messages, @Type', () => {
    class Line {
      @IsInt() qty!: number;
    }
    class Model {
      @IsOptional() @IsEmail({}, { message: 'who?' }) email?: string;
      @Min(1, { each: true }) @IsInt({ each: true }) counts!: number[];
      @ValidateNested({ each: true }) @Type(() => Line) lines!: Line[];
    }
    const rules = readContractRules(Model);
    expect(rules.transformed).toBe(true);
    expect(rules.properties.map((p) => p.name)).toEqual(['email', 'counts', 'lines']);
    expect(rules.properties[0]!.rules.map((r) => [r.kind, r.constraint, r.message])).toEqual([
      ['constraint', 'isEmail', 'who?'],
      ['optional', undefined, undefined],
    ]);
    expect(rules.properties[1]!.rules.map((r) => [r.constraint, r.args, r.each])).toEqual([
      ['isInt', [], true],
      ['min', [1], true],
    ]);
    expect(rules.properties[2]!.rules[0]).toMatchObject({ kind: 'nested', constraint: 'nestedValidation', each: true });
    expect((rules.properties[2]!.transform.type?.typeFunction as () => unknown)()).toBe(Line);
    expect(readContractRules(Line).transformed).toBe(false);
  });
});

describe('the payload step', () => {
  const delivery = (body: string): Delivery => ({
    message: { topic: 't', body: Buffer.from(body), headers: { 'content-type': 'application/json' }, deliveryAttempt: 1, redelivered: false, raw: null },
    ack: async () => {},
    nack: async () => {},
    reject: async () => {},
  });
  const context = (body: string) => new MessageContext({ delivery: delivery(body), transport: 'memory', group: 'g', handler: 'H.m' });

  it('makes no promise of its own for a synchronous contract: it returns what the next step returns', () => {
    const Order = defineOrderContract('payload.step');
    const step = new PayloadInterceptor(1024 * 1024, { name: 'payload.step', target: Order });
    const downstream = Promise.resolve('handled');
    const ctx = context(JSON.stringify(makeOrder(1, 2)));
    expect(step.intercept(ctx, () => downstream)).toBe(downstream);
    expect(ctx.payload).toBeInstanceOf(Order);
  });

  it('still fails with a rejected promise, never a synchronous throw', async () => {
    const Order = defineOrderContract('payload.step.fails');
    const step = new PayloadInterceptor(1024 * 1024, { name: 'payload.step.fails', target: Order });
    const next = jest.fn(async () => 'handled');
    const outcome = step.intercept(context('{"orderId":1}'), next);
    await expect(outcome).rejects.toBeInstanceOf(MessageValidationError);
    await expect(step.intercept(context('{oops'), next)).rejects.toMatchObject({ reason: 'invalid-json' });
    expect(next).not.toHaveBeenCalled();
  });
});
