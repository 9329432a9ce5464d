import {
  arrayMaxSize,
  arrayMinSize,
  arrayNotEmpty,
  isArray,
  isBoolean,
  isDate,
  isDateString,
  isDefined,
  isEmail,
  isInt,
  isISO8601,
  isNotEmpty,
  isNumber,
  isObject,
  isPositive,
  isString,
  isURL,
  isUUID,
  length,
  matches,
  max,
  maxLength,
  min,
  minLength,
} from 'class-validator';

/** A compiled check: true when the value passes. Pure, and allocates nothing on the common path. */
export type ValueCheck = (value: unknown) => boolean;

type CheckFactory = (args: readonly unknown[]) => ValueCheck;

/**
 * The checks of the rules nestream compiles, keyed by class-validator's constraint name. Each
 * calls the very function class-validator's decorator calls (the string formats go through to
 * validator.js with the same options), so verdicts agree by construction; where a shortcut is
 * taken first, a comment says why it cannot change the verdict.
 */
const CHECKS: Readonly<Record<string, CheckFactory>> = {
  isString: () => isString,
  isInt: () => isInt,
  isNumber: ([options]) => (value) => isNumber(value, options as object),
  isBoolean: () => isBoolean,
  isEmail: ([options]) => (options === undefined ? (value) => typeof value === 'string' && (isPlainEmail(value) || isEmail(value)) : (value) => isEmail(value, options as object)),
  isUuid: ([version]) => (value) => isUUID(value, version as undefined),
  isIso8601: ([options]) => iso8601Check(isISO8601, options),
  isDateString: ([options]) => iso8601Check(isDateString, options),
  isDate: () => isDate,
  isIn: ([values]) => (Array.isArray(values) ? (value) => values.indexOf(value) !== -1 : () => false),
  isEnum: ([entity]) => {
    // class-validator lists the enum's values on every call; enums do not change after load.
    const values = Object.keys(entity as object).map((key) => (entity as Record<string, unknown>)[key]);
    return (value) => values.includes(value);
  },
  isDefined: () => isDefined,
  isNotEmpty: () => isNotEmpty,
  min: ([bound]) => (value) => min(value, bound as number),
  max: ([bound]) => (value) => max(value, bound as number),
  isPositive: () => isPositive,
  minLength: ([bound]) => (value) => typeof value === 'string' && (COUNTED_APART.test(value) ? minLength(value, bound as number) : inLength(value.length, bound, undefined)),
  maxLength: ([bound]) => (value) => typeof value === 'string' && (COUNTED_APART.test(value) ? maxLength(value, bound as number) : inLength(value.length, 0, bound)),
  isLength: ([lower, upper]) => (value) => typeof value === 'string' && (COUNTED_APART.test(value) ? length(value, lower as number, upper as number) : inLength(value.length, lower, upper)),
  matches: ([pattern, modifiers]) => matchCheck(pattern, modifiers),
  isUrl: ([options]) => (value) => isURL(value as string, options as object),
  isObject: () => isObject,
  isArray: () => isArray,
  arrayMinSize: ([bound]) => (value) => arrayMinSize(value, bound as number),
  arrayMaxSize: ([bound]) => (value) => arrayMaxSize(value, bound as number),
  arrayNotEmpty: () => arrayNotEmpty,
};

/**
 * validator.js's isISO8601 defaults missing options to a new `{}` on every call; one empty
 * object, made once, reads the same (no strict, no strictSeparator).
 */
const NO_OPTIONS = Object.freeze({});

/**
 * `Date#toISOString()`'s shape (UTC, milliseconds, a 'T'), with the month, day, hour, minute
 * and second ranges of validator.js's iso8601 pattern: every such string matches both its
 * patterns (the 'T' passes the strict separator too), so without `strict` it is accepted here
 * at a quarter of the cost. With `strict` (a calendar check, 02-30 fails) and for every other
 * string, valid or not, validator.js decides.
 */
const CANONICAL_ISO8601 = /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}Z$/;

function iso8601Check(validate: (value: unknown, options: object) => boolean, options: unknown): ValueCheck {
  const given = (options ?? NO_OPTIONS) as { strict?: unknown };
  if (given.strict) return (value) => validate(value, given);
  return (value) => (typeof value === 'string' && CANONICAL_ISO8601.test(value)) || validate(value, given);
}

/** The compiled check of a constraint, or undefined when nestream does not compile it. */
export function checkFor(constraint: string, args: readonly unknown[]): ValueCheck | undefined {
  const factory = Object.hasOwn(CHECKS, constraint) ? CHECKS[constraint] : undefined;
  return factory?.(args);
}

/**
 * validator.js counts a surrogate pair, and a character followed by a variation selector, as
 * one character. A string with no high surrogate and no variation selector has a length that
 * is its `length`, and its bounds are checked here with no regex matches (two per call in
 * validator.js, each allocating); any other string goes to validator.js.
 */
const COUNTED_APART = /[\uD800-\uDBFF\uFE0E\uFE0F]/;

/** validator.js isLength's range test: `min || 0`, and no upper bound when it is undefined. */
function inLength(length: number, lower: unknown, upper: unknown): boolean {
  return length >= ((lower as number) || 0) && (typeof upper === 'undefined' || length <= (upper as number));
}

/**
 * An address of dot-separated atoms (RFC 5322 atext), '@', hostname labels and an alphabetic
 * TLD, within the length limits: validator.js's isEmail with its default options accepts every
 * such string (no display name, one '@', ASCII so byte length = length, each label ≤ 63 with no
 * leading or trailing hyphen, an alphabetic TLD of 2+ letters, atoms in its UTF-8 local-part
 * set). Those are most addresses; they are accepted here without validator.js's option merging,
 * splits and encodeURI. Every other string, valid or not, goes to validator.js for its verdict.
 */
const PLAIN_EMAIL = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;

function isPlainEmail(value: string): boolean {
  return value.length <= 254 && value.indexOf('@') <= 64 && PLAIN_EMAIL.test(value);
}

/**
 * validator.js builds the RegExp from a string pattern on every call and matches with
 * `String#match`. Without the g or y flag, `test` on one RegExp built once gives the same
 * answer and keeps no state; with them (lastIndex matters) every call goes to validator.js.
 */
function matchCheck(pattern: unknown, modifiers: unknown): ValueCheck {
  const regexp = Object.prototype.toString.call(pattern) === '[object RegExp]' ? (pattern as RegExp) : new RegExp(pattern as string, modifiers as string);
  // A RegExp subclass may define its own Symbol.match; only a plain RegExp is known to agree.
  if (regexp.global || regexp.sticky || Object.getPrototypeOf(regexp) !== RegExp.prototype) {
    return (value) => matches(value as string, pattern as string, modifiers as string);
  }
  return (value) => typeof value === 'string' && regexp.test(value);
}
