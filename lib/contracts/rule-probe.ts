import { getMetadataStorage, type ValidationArguments } from 'class-validator';
import type { ContractRule } from './contract-rules.js';
import type { ValueCheck } from './rule-checks.js';
import { defaultMessage, hasDefaultMessage } from './validation-messages.js';

/** Values that tell the compiled rules apart (types, formats, bounds, emptiness), used once per rule. */
const PROBES: readonly unknown[] = [
  undefined,
  null,
  '',
  ' ',
  'a',
  'abc',
  'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  'x'.repeat(300),
  '\u{1F600}\u{1F600}',
  'ada@example.com',
  'not an email',
  'https://example.com/path?q=1',
  '550e8400-e29b-41d4-a716-446655440000',
  '00000000-0000-4000-8000-000000000000',
  '2025-01-01T12:00:00.000Z',
  '2025-13-45',
  '12',
  0,
  1,
  -1,
  2.5,
  1e21,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  true,
  false,
  [],
  ['a'],
  [1, 2, 3],
  {},
  { a: 1 },
  new Date(0),
  new Date(Number.NaN),
];

/**
 * A constraint is known by its name alone, and a custom decorator may reuse a built-in's name.
 * So before a rule is compiled, its compiled check and nestream's default message are compared
 * with the constraint's own `validate` and `defaultMessage` on a set of probe values (plus the
 * rule's own arguments and values around them); any difference keeps class-validator.
 */
export function sameAsClassValidator(target: Function, property: string, rule: ContractRule, constraint: string, check: ValueCheck): boolean {
  const implementation = getMetadataStorage().getTargetValidatorConstraints(rule.metadata.constraintCls)[0]?.instance as
    | { validate(value: unknown, args: ValidationArguments): unknown; defaultMessage?(args: ValidationArguments): string }
    | undefined;
  if (!implementation || !hasDefaultMessage(constraint)) return false;
  for (const value of [...PROBES, ...probesFromArgs(rule.args)]) {
    const args: ValidationArguments = { value, constraints: rule.metadata.constraints, targetName: target.name, object: {}, property };
    try {
      if (Boolean(implementation.validate(value, args)) !== check(value)) return false;
      if (implementation.defaultMessage?.(args) !== defaultMessage(constraint, rule.each, args)) return false;
    } catch {
      return false;
    }
  }
  return true;
}

/** The values of @IsIn and @IsEnum, and numbers on and around the bounds of @Min, @Length... */
function probesFromArgs(args: readonly unknown[]): unknown[] {
  const probes: unknown[] = [];
  for (const arg of args) {
    if (Array.isArray(arg)) probes.push(...arg);
    else if (typeof arg === 'number') probes.push(arg - 1, arg, arg + 1, 'x'.repeat(Math.max(0, Math.min(arg + 1, 10_000))), 'x'.repeat(Math.max(0, Math.min(arg, 10_000))));
    else if (arg !== null && typeof arg === 'object' && Object.getPrototypeOf(arg) === Object.prototype) probes.push(...Object.values(arg));
  }
  return probes;
}
