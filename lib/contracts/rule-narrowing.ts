import { isDeepStrictEqual } from 'node:util';
import type { ContractRule } from './contract-rules.js';

/**
 * Whether a newer contract's rule accepts everything an older contract's rules on the same
 * property accept; when not, why (in words a reader of a CI log acts on). Judged from the
 * neutral rule model only, and on the safe side: a rule it cannot compare is reported.
 */
export function narrowing(newer: ContractRule, older: readonly ContractRule[]): string | undefined {
  const same = older.filter((rule) => rule.constraint === newer.constraint && rule.each === newer.each);
  if (same.some((rule) => isDeepStrictEqual(rule.args, newer.args))) return undefined;
  const compare = BOUNDS[newer.constraint ?? ''];
  if (compare) return compare(newer, older.filter((rule) => rule.each === newer.each));
  if (older.some((rule) => rule.each === newer.each && (IMPLIES[rule.constraint ?? ''] ?? []).includes(newer.constraint ?? ''))) return undefined;
  if (same.length > 0) return `${newer.constraint} changed its arguments (${show(same[0]!.args)} → ${show(newer.args)})`;
  return `a rule ${newer.constraint} that the older version does not check`;
}

/** Older rules that accept only values a newer, wider rule accepts too (isInt values are numbers). */
const IMPLIES: Readonly<Record<string, readonly string[]>> = {
  isInt: ['isNumber'],
  isPositive: ['isNumber'],
  isEmail: ['isString', 'isNotEmpty'],
  isUuid: ['isString', 'isNotEmpty'],
  isUrl: ['isString', 'isNotEmpty'],
  isIso8601: ['isString', 'isNotEmpty'],
  isDateString: ['isString', 'isNotEmpty'],
  arrayNotEmpty: ['isArray'],
};

type Bound = (newer: ContractRule, older: readonly ContractRule[]) => string | undefined;

/** A lower bound: the newer one may only be lower (or equal) than the older one. */
const lower =
  (constraint: string, what: string, index = 0): Bound =>
  (newer, older) => {
    const bound = newer.args[index] as number;
    const olderBound = boundOf(older, constraint, index, Math.max);
    if (olderBound !== undefined && bound <= olderBound) return undefined;
    return olderBound === undefined ? `a ${what} of ${bound} that the older version does not have` : `its ${what} is raised from ${olderBound} to ${bound}`;
  };

/** An upper bound: the newer one may only be higher (or equal). */
const upper =
  (constraint: string, what: string, index = 0): Bound =>
  (newer, older) => {
    const bound = newer.args[index] as number;
    const olderBound = boundOf(older, constraint, index, Math.min);
    if (olderBound !== undefined && bound >= olderBound) return undefined;
    return olderBound === undefined ? `a ${what} of ${bound} that the older version does not have` : `its ${what} is lowered from ${olderBound} to ${bound}`;
  };

const members =
  (valuesOf: (rule: ContractRule) => readonly unknown[]): Bound =>
  (newer, older) => {
    const allowed = new Set(valuesOf(newer));
    const olderRule = older.find((rule) => rule.constraint === 'isIn' || rule.constraint === 'isEnum');
    if (!olderRule) return `a rule ${newer.constraint} (one of ${show([...allowed])}) that the older version does not check`;
    const removed = valuesOf(olderRule).filter((value) => !allowed.has(value));
    return removed.length === 0 ? undefined : `enum member${removed.length > 1 ? 's' : ''} ${removed.map((v) => JSON.stringify(v)).join(', ')} removed`;
  };

const inValues = (rule: ContractRule): readonly unknown[] =>
  rule.constraint === 'isIn' ? ((rule.args[0] as unknown[] | undefined) ?? []) : Object.values((rule.args[0] as object | undefined) ?? {});

/** `length` keeps [min, max]: both bounds of a string's length. */
const lengthBounds: Bound = (newer, older) => lower('length', 'minimum length')(newer, older.map(asLength)) ?? (newer.args[1] === undefined ? undefined : upper('length', 'maximum length', 1)(newer, older.map(asLength)));

const BOUNDS: Readonly<Record<string, Bound>> = {
  min: lower('min', 'minimum'),
  max: upper('max', 'maximum'),
  minLength: (newer, older) => lower('length', 'minimum length')(newer, older.map(asLength)),
  maxLength: (newer, older) => upper('length', 'maximum length', 1)({ ...newer, args: [0, newer.args[0]] }, older.map(asLength)),
  length: lengthBounds,
  arrayMinSize: lower('arrayMinSize', 'minimum array size'),
  arrayMaxSize: upper('arrayMaxSize', 'maximum array size'),
  isIn: members(inValues),
  isEnum: members(inValues),
};

/** minLength / maxLength / length of an older rule, all as `length` [min, max]. */
function asLength(rule: ContractRule): ContractRule {
  if (rule.constraint === 'minLength') return { ...rule, constraint: 'length', args: [rule.args[0], undefined] };
  if (rule.constraint === 'maxLength') return { ...rule, constraint: 'length', args: [undefined, rule.args[0]] };
  return rule;
}

/** Several older rules may all apply: the tightest (`pick`) is what the older version accepts. */
function boundOf(rules: readonly ContractRule[], constraint: string, index: number, pick: (...bounds: number[]) => number): number | undefined {
  const bounds = rules.filter((rule) => rule.constraint === constraint).map((rule) => rule.args[index]);
  const numbers = bounds.filter((bound): bound is number => typeof bound === 'number');
  return numbers.length === 0 ? undefined : pick(...numbers);
}

function show(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}
