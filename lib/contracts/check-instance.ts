import type { ValidationArguments } from 'class-validator';
import type { ValidationIssue } from '../core/errors.js';
import { planOf, type ClassPlan, type CompiledProperty, type CompiledRule } from './compile-contract.js';
import type { ContractRule } from './contract-rules.js';
import { defaultMessage, replaceMessageTokens } from './validation-messages.js';

/** Thrown (never escapes lib/contracts) when an object of a class that is not compiled turns up nested. */
export const NEEDS_CLASS_VALIDATOR: unique symbol = Symbol('nestream:needs-class-validator');

/**
 * class-validator's executor with `whitelist`, `forbidNonWhitelisted` and `forbidUnknownValues`,
 * run over compiled plans: the same checks in the same order, giving the same issues, each in
 * the shape `toIssue` gives class-validator's errors (empty ones left out as its
 * stripEmptyErrors does). Nothing is allocated unless something fails.
 */
export function checkInstance(instance: object, plan?: ClassPlan): ValidationIssue[] | undefined {
  const constructor = (instance as { constructor?: unknown }).constructor;
  const own = plan && constructor === plan.target ? plan : planOf(constructor);
  if (!own) throw NEEDS_CLASS_VALIDATOR;
  return checkObject(instance as Record<string, unknown>, own);
}

function checkObject(object: Record<string, unknown>, plan: ClassPlan): ValidationIssue[] | undefined {
  if (plan.unknown) return [{ property: undefined as unknown as string, constraints: { unknownValue: 'an unknown value was passed to the validate function' } }];
  let issues: ValidationIssue[] | undefined;
  const grouped = plan.grouped;
  for (const key in object) {
    if (!Object.hasOwn(object, key)) continue;
    // As class-validator asks it: a plain object, so `toString` (a function of length 0) is not whitelisted.
    const rules = grouped[key];
    if (!rules || rules.length === 0) (issues ??= []).push({ property: key, constraints: { whitelistValidation: `property ${key} should not exist` } });
  }
  for (const property of plan.properties) {
    const issue = checkProperty(object, object[property.name], property.name, property);
    if (issue) (issues ??= []).push(issue);
  }
  return issues;
}

/**
 * True when every property rule of the plan passes on this object, of any class (a plain
 * payload), whitelist aside: `checkerOf` asks it only of objects whose keys are all the plan's.
 */
export function propertiesPass(object: Record<string, unknown>, plan: ClassPlan): boolean {
  if (plan.unknown) return false;
  for (const property of plan.properties) if (checkProperty(object, object[property.name], property.name, property)) return false;
  return true;
}

/**
 * One property (or, for @ValidateNested arrays, one element: `object` is then the array, and
 * `property` its elements' view: nested rules only, as in class-validator).
 */
function checkProperty(object: object, value: unknown, name: string, property: CompiledProperty): ValidationIssue | undefined {
  for (const condition of property.conditions) if (!condition(object, value)) return undefined;
  let constraints: Record<string, string> | undefined;
  for (const rule of property.defined) if (!passes(rule, value)) (constraints ??= {})[rule.constraint] = ruleMessage(rule, object, value);
  for (const rule of property.checks) if (!passes(rule, value)) (constraints ??= {})[rule.constraint] = ruleMessage(rule, object, value);
  let children: ValidationIssue[] | undefined;
  if (value !== undefined) {
    for (const rule of property.nested) {
      if (Array.isArray(value) || value instanceof Set || value instanceof Map) {
        const issues = checkElements(value, property.elements ?? property);
        if (issues) (children ??= []).push(...issues);
      } else if (value instanceof Object) {
        const nested = checkInstance(value);
        if (nested) (children ??= []).push(...nested);
      } else {
        (constraints ??= {}).nestedValidation = nestedMessage(rule, value);
      }
    }
  }
  if (!constraints && !children) return undefined;
  const issue: ValidationIssue = { property: name, constraints: constraints ?? {} };
  if (children) issue.children = children;
  return issue;
}

/** Each element against the property's nested rules, named by index (a Map's: by key), as class-validator does. */
function checkElements(value: unknown[] | Set<unknown> | Map<unknown, unknown>, property: CompiledProperty): ValidationIssue[] | undefined {
  let issues: ValidationIssue[] | undefined;
  if (value instanceof Map) {
    value.forEach((item, key) => {
      const issue = checkProperty(value, item, (key as { toString(): string }).toString(), property);
      if (issue) (issues ??= []).push(issue);
    });
    return issues;
  }
  const items = Array.isArray(value) ? value : Array.from(value);
  for (let index = 0; index < items.length; index++) {
    // forEach in class-validator: holes are skipped.
    if (!(index in items)) continue;
    const issue = checkProperty(value, items[index], String(index), property);
    if (issue) (issues ??= []).push(issue);
  }
  return issues;
}

/** `each: true` checks every element of an array, Set or Map (its values); anything else as one value. */
function passes(rule: CompiledRule, value: unknown): boolean {
  if (!rule.each || !(Array.isArray(value) || value instanceof Set || value instanceof Map)) return rule.check(value);
  const items: unknown[] = Array.isArray(value) ? value : Array.from((value as Set<unknown> | Map<unknown, unknown>).values());
  for (let index = 0; index < items.length; index++) {
    if (index in items && !rule.check(items[index])) return false;
  }
  return true;
}

function ruleMessage(rule: CompiledRule, object: object, value: unknown): string {
  const args = argumentsOf(rule.rule, object, value);
  return replaceMessageTokens(rule.rule.message || defaultMessage(rule.constraint, rule.each, args), args);
}

/** class-validator words a @ValidateNested failure with the class itself as the object. */
function nestedMessage(rule: ContractRule, value: unknown): string {
  return replaceMessageTokens(rule.message || '', argumentsOf(rule, rule.metadata.target as object, value));
}

function argumentsOf(rule: ContractRule, object: object, value: unknown): ValidationArguments {
  const constructor = (object as { constructor?: { name: string } }).constructor;
  return { targetName: constructor ? constructor.name : (undefined as unknown as string), property: rule.metadata.propertyName, object, value, constraints: rule.metadata.constraints };
}
