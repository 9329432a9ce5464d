// Payloads for generated contracts (see contract-arbitraries.ts): per property a value from a
// pool of valid-looking values or of near-valid and wrong ones, built fresh for every use.
import * as cv from 'class-validator';
import type { ClassSpec, PayloadSpec, PropertySpec, RuleSpec } from './contract-arbitraries.js';

type Thunk = () => unknown;
const constant = (values: unknown[]): Thunk[] => values.map((value) => () => value);
const sparse = (): unknown[] => {
  const array: unknown[] = [];
  array[1] = 'a';
  return array;
};
const nullPrototype = (entries: [string, unknown][]): object => {
  const object = Object.create(null) as Record<string, unknown>;
  for (const [key, value] of entries) object[key] = value;
  return object;
};

const UUID_V4 = '9b2f6c1e-3d4a-4b8c-9e7f-0a1b2c3d4e5f';
const UUID_V7 = '01890a5d-ac96-774b-bcce-b302099a8057';

const POOLS: Record<Exclude<PropertySpec['profile'], 'nested'>, { valid: Thunk[]; invalid: Thunk[] }> = {
  string: {
    valid: constant(['red', 'green', 'blue', 'abc', 'aaa', 'xXx', 'xxxx', '123', 'ada@example.com', 'first.last+tag@mail.example.org', UUID_V4, UUID_V7,
      '2025-01-01', '2025-01-01T12:00:00Z', '2025-01-01T12:00:00.000+02:00', '2025-01-01T12:00:00.000Z', '2024-02-29T23:59:59.999Z', 'https://example.com/a?b=1', 'http://localhost:3000', '\u{1F600}\u{1F600}', 'e\uFE0F', 'x'.repeat(13)]),
    invalid: [
      ...constant(['', ' ', 'bad@', 'a@b', '"q"@example.com', 'ü@example.com', 'a..b@example.com', 'not-a-uuid', '00000000-0000-0000-0000-000000000000',
        '2025-02-30T00:00:00Z', '2025-02-30T00:00:00.000Z', '2025-13-01', '2025-01-01T24:00:00.000Z', '2025-01-01 12:00:00.000Z', 'ftp:/x', 'RED', 1, 0, null, true, ['a'], [], {}]),
      () => new Date(0),
      () => new String('a'),
    ],
  },
  number: {
    valid: constant([0, 1, 2, 3, 5, 10, -1, 1.5, 2.25, 100]),
    invalid: constant([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 1e21, 0.1 + 0.2, '1', 'Low', 'High', null, true, [], {}, [1]]),
  },
  boolean: { valid: constant([true, false]), invalid: constant(['true', 0, 1, null, [true]]) },
  date: {
    valid: constant(['2025-01-01T00:00:00Z', 0, 1_700_000_000_000, '2025-06-30']),
    invalid: [...constant(['garbage', null, true, {}, [], ['2025-01-01'], '']), () => new Date(Number.NaN)],
  },
  array: {
    valid: [[], ['a'], ['a', 'b'], ['a', 'b', 'c', 'd', 'e'], [1, 2, 3], ['ada@example.com'], ['abc']].map((array: unknown[]) => () => [...array]),
    invalid: [...constant(['a', null, 1, {}]), () => [null], () => [[]], () => [{}], () => [1, 'a'], () => ({ length: 1, 0: 'a' }), sparse, () => new Set(['a'])],
  },
  object: {
    valid: [() => ({}), () => ({ a: 1 }), () => ({ a: { b: [1, { c: 'd' }] } }), () => ({ toString: 1, valueOf: 'x' }), () => nullPrototype([['k', 1]])],
    invalid: [...constant([[], 'x', null, 1, true]), () => ({ constructor: 1 }), () => ({ nested: { constructor: {} } }), () => new Map([['a', 1]])],
  },
};

const EXTRA_VALUES: Thunk[] = [() => 1, () => 'x', () => ({}), () => ({ a: 1 }), () => ({ constructor: 1 })];

/** The properties a payload may carry: the parent's, then the class's own (which win). */
export function propertiesOf(spec: ClassSpec): PropertySpec[] {
  const inherited = spec.parent ? propertiesOf(spec.parent) : [];
  return [...inherited.filter((p) => !spec.properties.some((own) => own.name === p.name)), ...spec.properties];
}

/** A fresh payload for a spec: every call builds new objects, so no run sees another's. */
export function payloadOf(spec: ClassSpec, choice: PayloadSpec): object {
  const entries: [string, unknown][] = [];
  propertiesOf(spec).forEach((property, position) => {
    const pick = choice.picks[position % choice.picks.length]!;
    if (!pick.missing) entries.push([property.name, valueOf(property, pick.valid, pick.index)]);
  });
  for (const extra of choice.extras) {
    const entry: [string, unknown] = [extra.key, EXTRA_VALUES[extra.value % EXTRA_VALUES.length]!()];
    if (extra.value % 2 === 0) entries.unshift(entry);
    else entries.push(entry);
  }
  const payload = (choice.nullPrototype ? Object.create(null) : {}) as Record<string, unknown>;
  // As JSON.parse does: `__proto__` becomes an own key, not the prototype.
  for (const [key, value] of entries) Object.defineProperty(payload, key, { value, enumerable: true, writable: true, configurable: true });
  return payload;
}

function valueOf(property: PropertySpec, valid: boolean, index: number): unknown {
  if (property.profile !== 'nested') {
    const pool = POOLS[property.profile][valid ? 'valid' : 'invalid'];
    // Valid picks prefer values that pass all of the property's rules (when some do), so that
    // enough whole payloads are valid; which ones pass is asked of class-validator's functions.
    const passing = valid ? pool.filter((make) => property.rules.every((r) => satisfies(r, make()))) : [];
    const candidates = passing.length > 0 ? passing : pool;
    return candidates[index % candidates.length]!();
  }
  const child = property.child!;
  const each = property.rules[0]!.each;
  const childPayload = (seed: number, childValid: boolean) => payloadOf(child, derivedChoice(seed, childValid));
  if (valid) return each ? [childPayload(index, true), childPayload(index + 1, true)] : childPayload(index, true);
  const invalid: Thunk[] = [
    () => childPayload(index, false),
    () => (each ? [childPayload(index, true), childPayload(index, false)] : { ...childPayload(index, true), extra: 1 }),
    () => (each ? [childPayload(index, true), 'x'] : [childPayload(index, true)]),
    ...constant(['x', 1, null, {}, []]),
    () => new Map([['k', childPayload(index, true)]]),
  ];
  return invalid[index % invalid.length]!();
}

/** A child payload's choices, derived from one number (mulberry32), so nested payloads vary too. */
function derivedChoice(seed: number, valid: boolean): PayloadSpec {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const picks = Array.from({ length: 8 }, () => ({ missing: !valid && next() < 0.2, valid: valid || next() < 0.5, index: Math.floor(next() * 1000) }));
  const extras = !valid && next() < 0.3 ? [{ key: next() < 0.5 ? '__proto__' : 'extra', value: Math.floor(next() * 5) }] : [];
  return { picks, extras, nullPrototype: false };
}

const PREDICATES: Record<string, (value: unknown, args: readonly unknown[]) => boolean> = {
  IsString: (v) => cv.isString(v),
  IsInt: (v) => cv.isInt(v),
  IsNumber: (v, [o]) => cv.isNumber(v, o as object),
  IsBoolean: (v) => cv.isBoolean(v),
  IsEmail: (v, [o]) => cv.isEmail(v, o as object),
  IsUUID: (v, [version]) => cv.isUUID(v, version as undefined),
  IsISO8601: (v, [o]) => cv.isISO8601(v, o as object),
  IsDateString: (v, [o]) => cv.isDateString(v, o as object),
  IsIn: (v, [values]) => cv.isIn(v, values as unknown[]),
  IsEnum: (v, [entity]) => cv.isEnum(v, entity as object),
  IsNotEmpty: (v) => cv.isNotEmpty(v),
  Min: (v, [n]) => cv.min(v, n as number),
  Max: (v, [n]) => cv.max(v, n as number),
  IsPositive: (v) => cv.isPositive(v),
  MinLength: (v, [n]) => cv.minLength(v, n as number),
  MaxLength: (v, [n]) => cv.maxLength(v, n as number),
  Length: (v, [min, max]) => cv.length(v, min as number, max as number),
  Matches: (v, [pattern, modifiers]) => typeof v === 'string' && cv.matches(v, pattern as string, modifiers as string),
  IsUrl: (v, [o]) => cv.isURL(v as string, o as object),
  IsArray: (v) => cv.isArray(v),
  ArrayMinSize: (v, [n]) => cv.arrayMinSize(v, n as number),
  ArrayMaxSize: (v, [n]) => cv.arrayMaxSize(v, n as number),
  ArrayNotEmpty: (v) => cv.arrayNotEmpty(v),
  IsObject: (v) => cv.isObject(v),
};

/** Whether a value passes one rule (`each`: every element of an array); rules with no predicate here pass. */
function satisfies(rule: RuleSpec, value: unknown): boolean {
  const predicate = PREDICATES[rule.decorator];
  if (!predicate) return true;
  if (rule.each && Array.isArray(value)) return value.every((element) => predicate(element, rule.args));
  return predicate(value, rule.args);
}
