import type { ContractRule } from '../contracts/contract-rules.js';
import type { JsonSchema } from './asyncapi-document.js';

/**
 * JSON Schema keywords for one class-validator constraint, by the key class-validator reports
 * it under. Only what JSON Schema says exactly (or as a format, the annotation JSON Schema has
 * for it); a constraint not listed here is named in `x-nestream-rules` instead of guessed.
 */
const MAPPINGS: Readonly<Record<string, (args: readonly unknown[]) => JsonSchema | undefined>> = {
  // Types (a JSON payload has no Date: dates arrive as ISO strings turned into Dates by @Type).
  isString: () => ({ type: 'string' }),
  isInt: () => ({ type: 'integer' }),
  isNumber: () => ({ type: 'number' }),
  isBoolean: () => ({ type: 'boolean' }),
  isArray: () => ({ type: 'array' }),
  isObject: () => ({ type: 'object' }),
  isDate: () => ({ type: 'string', format: 'date-time' }),
  // Values
  equals: ([value]) => ({ const: value }),
  notEquals: ([value]) => ({ not: { const: value } }),
  isIn: ([values]) => (Array.isArray(values) ? { enum: values } : undefined),
  isNotIn: ([values]) => (Array.isArray(values) ? { not: { enum: values } } : undefined),
  isEnum: ([, values]) => (Array.isArray(values) ? { enum: values } : undefined),
  isNotEmpty: () => ({ not: { enum: ['', null] } }),
  // Strings
  isEmail: () => ({ type: 'string', format: 'email' }),
  isUrl: () => ({ type: 'string', format: 'uri' }),
  isUuid: () => ({ type: 'string', format: 'uuid' }),
  isDateString: () => ({ type: 'string', format: 'date-time' }),
  isIso8601: () => ({ type: 'string', format: 'date-time' }),
  isFqdn: () => ({ type: 'string', format: 'hostname' }),
  isIp: ([version]) => {
    const v = String(version ?? '');
    return v === '4' ? { type: 'string', format: 'ipv4' } : v === '6' ? { type: 'string', format: 'ipv6' } : undefined;
  },
  isLength: ([min, max]) => ({ type: 'string', ...(typeof min === 'number' ? { minLength: min } : {}), ...(typeof max === 'number' ? { maxLength: max } : {}) }),
  minLength: ([min]) => ({ type: 'string', minLength: min }),
  maxLength: ([max]) => ({ type: 'string', maxLength: max }),
  matches: ([pattern, modifiers]) => {
    // JSON Schema patterns are ECMA-262 regexes without flags: a flagged pattern cannot be said exactly.
    const flags = pattern instanceof RegExp ? pattern.flags : String(modifiers ?? '');
    if (flags.replace(/[gyd]/g, '') !== '') return undefined;
    return { type: 'string', pattern: pattern instanceof RegExp ? pattern.source : String(pattern) };
  },
  contains: ([seed]) => ({ type: 'string', pattern: escapeRegExp(String(seed)) }),
  notContains: ([seed]) => ({ type: 'string', not: { pattern: escapeRegExp(String(seed)) } }),
  // Numbers
  min: ([min]) => ({ type: 'number', minimum: min }),
  max: ([max]) => ({ type: 'number', maximum: max }),
  isPositive: () => ({ type: 'number', exclusiveMinimum: 0 }),
  isNegative: () => ({ type: 'number', exclusiveMaximum: 0 }),
  isDivisibleBy: ([divisor]) => ({ type: 'number', multipleOf: divisor }),
  // Arrays
  arrayMinSize: ([min]) => ({ type: 'array', minItems: min }),
  arrayMaxSize: ([max]) => ({ type: 'array', maxItems: max }),
  arrayNotEmpty: () => ({ type: 'array', minItems: 1 }),
  arrayUnique: ([identifier]) => (identifier === undefined ? { type: 'array', uniqueItems: true } : undefined),
};

/** The keywords of one checking rule, or undefined when JSON Schema cannot say it. */
export function ruleSchema(rule: ContractRule): JsonSchema | undefined {
  const mapping = rule.constraint ? MAPPINGS[rule.constraint] : undefined;
  return mapping?.(rule.args);
}

/**
 * Merges keyword sets of one value. Types narrow (`integer` within `number`); two bounds of
 * one kind both hold, so the stricter wins; any other repeated keyword is kept in `allOf`.
 */
export function mergeSchemas(into: Record<string, unknown>, add: JsonSchema): void {
  for (const [keyword, value] of Object.entries(add)) {
    const current = into[keyword];
    const narrowed = keyword === 'type' ? narrowType(current as string | undefined, value as string) : undefined;
    if (current === undefined) into[keyword] = value;
    else if (narrowed) into.type = narrowed;
    else if (STRICTER_HIGHER.has(keyword)) into[keyword] = Math.max(current as number, value as number);
    else if (STRICTER_LOWER.has(keyword)) into[keyword] = Math.min(current as number, value as number);
    else into.allOf = [...((into.allOf as JsonSchema[] | undefined) ?? []), { [keyword]: value }];
  }
}

const STRICTER_HIGHER = new Set(['minimum', 'exclusiveMinimum', 'minLength', 'minItems']);
const STRICTER_LOWER = new Set(['maximum', 'exclusiveMaximum', 'maxLength', 'maxItems']);

/** The one type both allow; undefined when none does (isString and isInt: `allOf` then says that no value passes). */
function narrowType(a: string | undefined, b: string): string | undefined {
  if (a === b) return a;
  if ((a === 'integer' && b === 'number') || (a === 'number' && b === 'integer')) return 'integer';
  return undefined;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
