import { plainToInstance } from 'class-transformer';
import { validate, validateSync, type ValidationError, type ValidatorOptions } from 'class-validator';
import type { ContractMetadata } from '../core/contract.js';
import { MessageValidationError, type ValidationIssue } from '../core/errors.js';
import { isStandardSchema } from '../core/standard-schema.js';
import { checkInstance, NEEDS_CLASS_VALIDATOR, propertiesPass } from './check-instance.js';
import { planOf, type ClassPlan } from './compile-contract.js';
import { buildsPlainCopies, copiesAsIs, NOT_PLAIN } from './plain-instance.js';
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

const checkers = new WeakMap<ContractMetadata, PayloadValidator>();

/**
 * The verdict of `validatorOf(contract)` without, where it can, the instance: for publishers,
 * which send the payload they were given and drop the instance. It throws what the validator
 * throws and returns a promise when the validator does; what it returns otherwise is not the
 * event. (Built on first use and kept.)
 */
export function checkerOf(contract: ContractMetadata): PayloadValidator {
  let checker = checkers.get(contract);
  if (!checker) {
    checker = (contract.schema ? undefined : plainChecker(contract)) ?? validatorOf(contract);
    checkers.set(contract, checker);
  }
  return checker;
}

/**
 * When the contract class builds instances that are key-for-key copies of a plain payload, the
 * compiled checks run on the payload itself: the instance would hold the same keys and values,
 * so a payload that passes makes an instance that passes. Anything else, and every payload that
 * fails (whose issues name the class), goes through the validator, so verdicts and issues are
 * the validator's (the differential test compares the two).
 */
function plainChecker(contract: ContractMetadata): PayloadValidator | undefined {
  const plan = planOf(contract.target);
  if (!plan?.build || !buildsPlainCopies(contract.target as Constructor)) return undefined;
  const validate = validatorOf(contract);
  return (payload) => (isCheckableAsIs(payload, plan) && passesAsIs(payload as Record<string, unknown>, plan) ? payload : validate(payload));
}

/**
 * The payload is a plain object whose keys are all the contract's own properties (a payload
 * with any other key fails the whitelist: the validator words that), each holding a value the
 * builder copies as it is. The plan never has a property named like an Object.prototype member
 * (compile-contract.ts), so the builder skips none of these keys.
 */
function isCheckableAsIs(payload: unknown, plan: ClassPlan): boolean {
  if (payload === null || typeof payload !== 'object' || Object.getPrototypeOf(payload) !== Object.prototype) return false;
  if (typeof (payload as { then?: unknown }).then === 'function') return false;
  const grouped = plan.grouped;
  let seen = 0;
  for (const key in payload) {
    if (!Object.hasOwn(payload, key) || !Object.hasOwn(grouped, key) || grouped[key]!.length === 0) return false;
    const value = (payload as Record<string, unknown>)[key];
    if (typeof value === 'object' && value !== null && !copiesAsIs(value)) return false;
    seen++;
  }
  if (seen === plan.properties.length) return true;
  // A non-enumerable own property is read by a check but not copied onto the instance.
  for (const property of plan.properties) if (Object.hasOwn(payload, property.name) && !Object.prototype.propertyIsEnumerable.call(payload, property.name)) return false;
  return true;
}

function passesAsIs(payload: Record<string, unknown>, plan: ClassPlan): boolean {
  try {
    return propertiesPass(payload, plan);
  } catch (error) {
    // A nested object of a class that is not compiled: the validator's path decides.
    if (error === NEEDS_CLASS_VALIDATOR) return false;
    throw error;
  }
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
