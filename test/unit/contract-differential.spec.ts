import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, useContainer, validateSync, type ValidationError, type ValidatorOptions } from 'class-validator';
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import { planOf } from '../../lib/contracts/compile-contract.js';
import { checkerOf, validatorOf } from '../../lib/contracts/contract-validator.js';
import { MessageValidationError, type ValidationIssue } from '../../lib/core/errors.js';
import { buildContract, classSpec, payloadSpec, type ClassSpec } from '../support/contract-arbitraries.js';
import { payloadOf } from '../support/contract-payloads.js';

// The reference: contract validation as nestream did it before compilation, class-transformer
// then class-validator with these options.
const OPTIONS: ValidatorOptions = { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true };

function toIssue(error: ValidationError): ValidationIssue {
  const issue: ValidationIssue = { property: error.property, constraints: error.constraints ?? {} };
  if (error.children?.length) issue.children = error.children.map(toIssue);
  return issue;
}

function reference(contract: new () => object, name: string, payload: object): unknown {
  const instance = plainToInstance(contract, payload);
  const errors = validateSync(instance, OPTIONS);
  if (errors.length > 0) throw new MessageValidationError(name, errors.map(toIssue));
  return instance;
}

type Outcome =
  | { readonly valid: true; readonly instance: unknown }
  | { readonly valid: false; readonly issues: ValidationIssue[]; readonly json: string; readonly message: string }
  | { readonly threw: string };

function outcome(run: () => unknown): Outcome {
  try {
    const instance = run();
    if (instance instanceof Promise) throw new Error('a synchronous contract gave a promise');
    return { valid: true, instance };
  } catch (error) {
    // The JSON is what a dead letter carries: it pins the order of issues and of constraint keys.
    if (error instanceof MessageValidationError) return { valid: false, issues: error.issues, json: JSON.stringify(error.issues), message: error.message };
    return { threw: `${(error as Error).name}: ${(error as Error).message}` };
  }
}

/**
 * The value with each Date replaced by its time (two Invalid Dates are equal here, unlike in
 * jest's equality), keeping prototypes, so toStrictEqual still compares classes.
 */
function canonical(value: unknown): unknown {
  if (value instanceof Date) return `Date(${value.getTime()})`;
  if (value instanceof String || value instanceof Number || value instanceof Boolean) return `${value.constructor.name}(${String(value.valueOf())})`;
  if (Array.isArray(value)) return value.map(canonical);
  if (value instanceof Map || value instanceof Set) return `${value.constructor.name}(${JSON.stringify([...value].map(canonical))})`;
  if (value === null || typeof value !== 'object') return value;
  const copy = Object.create(Object.getPrototypeOf(value)) as Record<string, unknown>;
  for (const [key, entry] of Object.entries(value)) Object.defineProperty(copy, key, { value: canonical(entry), enumerable: true, writable: true, configurable: true });
  return copy;
}

// Thousands of generated classes would make class-validator's own bookkeeping the slowest part
// of the reference: its default container finds each constraint instance by a linear search,
// and each validation scans every class with rules for ancestors. A keyed container, and
// forgetting each run's classes once compared, keep the reference what it is, only faster.
const constraintInstances = new Map<Function, object>();
useContainer({
  get: <T>(type: new () => T): T => {
    if (!constraintInstances.has(type)) constraintInstances.set(type, new type() as object);
    return constraintInstances.get(type) as T;
  },
});
function forget(classes: readonly Function[]): void {
  const storage = getMetadataStorage() as unknown as { validationMetadatas: Map<Function, unknown> };
  for (const type of classes) storage.validationMetadatas.delete(type);
}

const tally = { cases: 0, valid: 0, invalid: 0, threw: 0, classes: 0, checkedAsIs: 0 };

/** What a publisher keeps of an outcome: the verdict and the issues, not the instance. */
function verdictOf(result: Outcome): Outcome | { readonly valid: true } {
  return 'valid' in result && result.valid ? { valid: true } : result;
}

/** Both paths, on fresh copies of the same payload: same verdict, same issues (paths, constraint names, messages), same instance. */
function sameVerdicts(spec: ClassSpec, payloads: Parameters<typeof payloadOf>[1][]): void {
  const made: Function[] = [];
  const Contract = buildContract(spec, made);
  tally.classes++;
  // Every class generated from the supported decorators (parents and nested ones too) must
  // compile, or the test would compare class-validator with itself.
  for (const type of made) expect(planOf(type)).toBeDefined();
  const contract = { name: Contract.name, target: Contract };
  const validate = validatorOf(contract);
  // The publishers' checker: the same verdicts and issues, on the payload itself where it can.
  const check = checkerOf(contract);
  for (const choice of payloads) {
    const expected = outcome(() => reference(Contract, Contract.name, payloadOf(spec, choice)));
    const actual = outcome(() => validate(payloadOf(spec, choice)));
    const [a, b] = [canonical(actual), canonical(expected)];
    // Node's deep equality (prototypes included) is quick; jest's, for its diff, only on a difference.
    if (!isDeepStrictEqual(a, b)) expect(a).toStrictEqual(b);
    const payload = payloadOf(spec, choice);
    const checked = outcome(() => check(payload));
    if ('valid' in checked && checked.valid && checked.instance === payload) tally.checkedAsIs++;
    const [c, d] = [canonical(verdictOf(checked)), canonical(verdictOf(expected))];
    if (!isDeepStrictEqual(c, d)) expect(c).toStrictEqual(d);
    tally.cases++;
    if ('threw' in expected) tally.threw++;
    else if (expected.valid) tally.valid++;
    else tally.invalid++;
  }
  forget(made);
}

const PAYLOADS_PER_CONTRACT = 8;
const payloads = fc.array(payloadSpec, { minLength: PAYLOADS_PER_CONTRACT, maxLength: PAYLOADS_PER_CONTRACT });

describe('compiled contracts give class-validator’s verdicts (differential, property-based)', () => {
  it('on generated contracts and payloads: 1,300 contracts × 8 payloads, seeded', () => {
    fc.assert(
      fc.property(classSpec, payloads, (spec, choices) => sameVerdicts(spec, choices)),
      { seed: 20_260_115, numRuns: 1_300, endOnFailure: true },
    );
    expect(tally.cases).toBeGreaterThanOrEqual(10_000);
    // Both sides of the verdict are well covered, not only rejections.
    expect(tally.valid).toBeGreaterThan(tally.cases * 0.2);
    expect(tally.invalid).toBeGreaterThan(tally.cases * 0.3);
    // The checker's own path (the payload checked as it is) decided a good share of the valid ones.
    expect(tally.checkedAsIs).toBeGreaterThan(tally.valid * 0.3);
  });
});
