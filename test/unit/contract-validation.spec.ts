import 'reflect-metadata';
import { Type } from 'class-transformer';
import { IsEmail, IsInt, Validate, ValidateNested, ValidatorConstraint, type ValidatorConstraintInterface } from 'class-validator';
import { describe, expect, it } from '@jest/globals';
import { validateContract } from '../../lib/contracts/contract-validator.js';
import { MessageValidationError } from '../../lib/core/errors.js';
import { validatesSynchronously } from '../../lib/contracts/sync-validation.js';

class Signup {
  @IsInt() userId!: number;
  @IsEmail() email!: string;
}

@ValidatorConstraint({ name: 'notTaken', async: true })
class NotTaken implements ValidatorConstraintInterface {
  async validate(value: unknown): Promise<boolean> {
    await new Promise((resolve) => setTimeout(resolve, 1));
    return value !== 'taken';
  }
}

class Username {
  @Validate(NotTaken) name!: string;
}

class Address {
  @IsInt() zip!: number;
}

class Customer {
  @ValidateNested() @Type(() => Address) address!: Address;
}

describe('contract validation', () => {
  it('validates a contract of synchronous rules synchronously, with the same verdicts', async () => {
    expect(validatesSynchronously(Signup)).toBe(true);
    await expect(validateContract(Signup, 'signup', { userId: 1, email: 'ada@example.com' })).resolves.toBeInstanceOf(Signup);
    await expect(validateContract(Signup, 'signup', { userId: 1, email: 'nope' })).rejects.toThrow(/email/);
    await expect(validateContract(Signup, 'signup', { userId: 1, email: 'ada@example.com', admin: true })).rejects.toThrow(MessageValidationError);
  });

  it('keeps asynchronous custom constraints: they still reject', async () => {
    expect(validatesSynchronously(Username)).toBe(false);
    await expect(validateContract(Username, 'username', { name: 'free' })).resolves.toBeInstanceOf(Username);
    await expect(validateContract(Username, 'username', { name: 'taken' })).rejects.toThrow(/notTaken|name/);
  });

  it('keeps nested validation on the full path', async () => {
    expect(validatesSynchronously(Customer)).toBe(false);
    await expect(validateContract(Customer, 'customer', { address: { zip: 'x' } })).rejects.toThrow(/zip/);
    await expect(validateContract(Customer, 'customer', { address: { zip: 1234 } })).resolves.toBeInstanceOf(Customer);
  });
});
