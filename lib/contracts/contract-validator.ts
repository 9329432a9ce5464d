import { plainToInstance } from 'class-transformer';
import { validate, validateSync, type ValidationError, type ValidatorOptions } from 'class-validator';
import type { ContractMetadata } from '../core/contract.js';
import { MessageValidationError, type ValidationIssue } from '../core/errors.js';
import { isStandardSchema } from '../core/standard-schema.js';
import { checkInstance, NEEDS_CLASS_VALIDATOR } from './check-instance.js';
import { planOf, type ClassPlan } from './compile-contract.js';
import { NOT_PLAIN } from './plain-instance.js';
import { schemaValidator } from './schema-validator.js';
import { validatesSynchronously } from './sync-validation.js';

const OPTIONS: ValidatorOptions = { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true };

/** As plainToInstance takes it; contract classes are built with no arguments. */
type Constructor = new () => object;

/**
 * Validates one payload against its contract: returns the event (the class instance, or the
 * schema's output), or throws MessageValidationError. It returns a promise only when a rule is
 * asynchronous, so a synchronous contract costs no promise per message.
 */
export type PayloadValidator = (payload: unknown) => unknown;

const validators = new WeakMap<ContractMetadata, PayloadValidator>();

/** The validator of a contract, built on first use (at bootstrap for handlers) and kept. */
export function validatorOf(contract: ContractMetadata): PayloadValidator {
  let validator = validators.get(contract);
  if (!validator) {
    validator = contract.schema ? schemaValidator(contract.name, contract.schema) : classValidator(contract.target as Constructor, contract.name);
    validators.set(contract, validator);
  }
  return validator;
}

/**
 * Turns a plain payload into an instance of its contract class and validates it: unknown
 * properties are errors (whitelist + forbidNonWhitelisted), as the seed's `extra="forbid"`.
 * A class from `defineContract` is validated by its schema. (Where the contract's metadata is
 * at hand, `validatorOf` does the same without a promise.)
 */
export async function validateContract<T extends object>(contract: new (...args: never[]) => object, contractName: string, payload: unknown): Promise<T> {
  const schema = (contract as { schema?: unknown }).schema;
  const validate = isStandardSchema(schema) ? schemaValidator(contractName, schema) : classValidator(contract as Constructor, contractName);
  return (await validate(payload)) as T;
}

/**
 * A contract class compiled (see compile-contract.ts) validates with the same verdicts and
 * issues as class-validator with the options above; one that is not keeps class-validator.
 */
function classValidator(contract: Constructor, contractName: string): PayloadValidator {
  const plan = planOf(contract);
  return (payload) => {
    assertObject(contractName, payload);
    if (!plan) return classValidatorCheck(contract, contractName, plainToInstance(contract, payload));
    return compiledCheck(contract, contractName, plan, payload as object);
  };
}

function compiledCheck(contract: Constructor, contractName: string, plan: ClassPlan, payload: object): unknown {
  const built = plan.build ? plan.build(payload) : NOT_PLAIN;
  const instance = built === NOT_PLAIN ? plainToInstance(contract, payload) : built;
  let issues: ValidationIssue[] | undefined;
  try {
    issues = checkInstance(instance, plan);
  } catch (error) {
    // A nested object of a class that is not compiled: class-validator validates this one whole.
    if (error === NEEDS_CLASS_VALIDATOR) return classValidatorCheck(contract, contractName, instance);
    throw error;
  }
  if (issues) throw new MessageValidationError(contractName, issues);
  return instance;
}

function classValidatorCheck(contract: Constructor, contractName: string, instance: object): unknown {
  if (validatesSynchronously(contract)) return settle(contractName, instance, validateSync(instance, OPTIONS));
  return validate(instance, OPTIONS).then((errors) => settle(contractName, instance, errors));
}

function settle(contractName: string, instance: object, errors: ValidationError[]): object {
  if (errors.length > 0) throw new MessageValidationError(contractName, errors.map(toIssue));
  return instance;
}

function assertObject(contractName: string, payload: unknown): void {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload) || Buffer.isBuffer(payload)) {
    throw new MessageValidationError(contractName, [{ property: '(payload)', constraints: { isObject: `${contractName} expects a JSON object` } }]);
  }
}

function toIssue(error: ValidationError): ValidationIssue {
  const issue: ValidationIssue = { property: error.property, constraints: error.constraints ?? {} };
  if (error.children?.length) issue.children = error.children.map(toIssue);
  return issue;
}
