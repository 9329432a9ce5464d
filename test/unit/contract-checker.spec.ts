import 'reflect-metadata';
import { ArrayMinSize, IsInt, IsOptional, IsString } from 'class-validator';
import { describe, expect, it } from '@jest/globals';
import { checkerOf, validatorOf } from '../../lib/contracts/contract-validator.js';
import type { ContractMetadata } from '../../lib/core/contract.js';
import { MessageValidationError } from '../../lib/core/errors.js';

/**
 * The publishers' checker against the validator on the shapes where checking the payload itself
 * would read something the instance does not hold; the generated ones are in
 * contract-differential.spec.ts. In each, both must agree on the verdict and the issues.
 */
function verdict(run: () => unknown): string {
  try {
    run();
    return 'valid';
  } catch (error) {
    if (error instanceof MessageValidationError) return JSON.stringify(error.issues);
    // class-transformer itself fails on some shapes (a nested `constructor` key): the same error either way.
    return `threw ${(error as Error).name}: ${(error as Error).message}`;
  }
}

function agree(target: new () => object, payload: unknown): string {
  const contract: ContractMetadata = { name: target.name, target };
  const expected = verdict(() => validatorOf(contract)(payload));
  expect(verdict(() => checkerOf(contract)(payload))).toBe(expected);
  return expected;
}

class Tagged {
  @IsString() name!: string;
  @IsOptional() @ArrayMinSize(3) tags?: unknown[];
}

class WithDefault {
  @IsString() name!: string;
  @IsInt() retries = 3;
}

/** An undecorated field with a default: on the instance it is a key the whitelist refuses. */
class WithUndeclaredDefault {
  @IsString() name!: string;
  source = 'web';
}

/** A checked property behind a setter that stores it under another key, which the whitelist refuses on the instance. */
class WithSetter {
  @IsString()
  set name(value: string) {
    (this as unknown as Record<string, string>).stored = value;
  }
}

class WithMethod {
  @IsString() name!: string;
  label(): string {
    return this.name;
  }
}

class AllOptional {
  @IsOptional() @IsInt() count?: number;
}

describe('checkerOf (what publishers validate with) gives the validator’s verdicts', () => {
  it('a payload it checks as it is: valid, and invalid with the same issues', () => {
    expect(agree(Tagged, { name: 'a', tags: [1, 2, 3] })).toBe('valid');
    expect(agree(Tagged, { name: 1 })).toContain('isString');
    expect(agree(Tagged, { name: 'a', extra: 1 })).toContain('whitelistValidation');
  });

  it('a holey array: the instance holds it without its holes', () => {
    // eslint-disable-next-line no-sparse-arrays
    expect(agree(Tagged, { name: 'a', tags: [1, , 3] })).toContain('arrayMinSize');
  });

  it('a field initialiser: the instance has the field the payload lacks', () => {
    expect(agree(WithDefault, { name: 'a' })).toBe('valid');
  });

  it('a field initialiser: a field the payload lacks, which the instance has', () => {
    expect(agree(WithUndeclaredDefault, { name: 'a' })).toContain('property source should not exist');
  });

  it('a key named like a method or accessor of the class: the instance leaves it out, or stores it elsewhere', () => {
    expect(agree(WithMethod, { name: 'a', label: 'x' })).toBe('valid');
    expect(agree(WithSetter, { name: 'x' })).toContain('property stored should not exist');
  });

  it('keys named like Object.prototype members, at the top and nested', () => {
    expect(agree(Tagged, { name: 'a', toString: 'x' })).toBe('valid');
    expect(agree(Tagged, JSON.parse('{"name":"a","__proto__":{"x":1}}'))).toBe('valid');
    expect(agree(Tagged, { name: 'a', tags: [{ constructor: 1 }, 2, 3] })).toMatch(/^threw TypeError/);
    expect(agree(Tagged, { name: 'a', tags: [{ hasOwnProperty: 1 }, 2, 3] })).toBe('valid');
  });

  it('a non-enumerable property: the instance does not get it', () => {
    const payload = Object.defineProperty({}, 'name', { value: 'a', enumerable: false });
    expect(agree(Tagged, payload)).toContain('isString');
  });

  it('no object at all: an array, null, a string', () => {
    expect(agree(AllOptional, [])).toContain('expects a JSON object');
    expect(agree(AllOptional, null)).toContain('expects a JSON object');
    expect(agree(AllOptional, 'x')).toContain('expects a JSON object');
  });
});
