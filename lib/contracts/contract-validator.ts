import { plainToInstance } from 'class-transformer';
import { validate, validateSync, type ValidationError, type ValidatorOptions } from 'class-validator';
import { MessageValidationError, type ValidationIssue } from '../core/errors.js';
import { validatesSynchronously } from './sync-validation.js';

const OPTIONS: ValidatorOptions = { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true };

type Constructor = new (...args: never[]) => object;

/**
 * Turns a plain payload into an instance of its contract class and validates it: unknown
 * properties are errors (whitelist + forbidNonWhitelisted), as the seed's `extra="forbid"`.
 */
export async function validateContract<T extends object>(contract: Constructor, contractName: string, payload: unknown): Promise<T> {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload) || Buffer.isBuffer(payload)) {
    throw new MessageValidationError(contractName, [{ property: '(payload)', constraints: { isObject: `${contractName} expects a JSON object` } }]);
  }
  const instance = plainToInstance(contract as unknown as new () => T, payload);
  const errors = validatesSynchronously(contract) ? validateSync(instance, OPTIONS) : await validate(instance, OPTIONS);
  if (errors.length > 0) throw new MessageValidationError(contractName, errors.map(toIssue));
  return instance;
}

function toIssue(error: ValidationError): ValidationIssue {
  const issue: ValidationIssue = { property: error.property, constraints: error.constraints ?? {} };
  if (error.children?.length) issue.children = error.children.map(toIssue);
  return issue;
}
