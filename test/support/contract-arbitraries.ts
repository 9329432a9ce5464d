// fast-check arbitraries for the differential contract tests: contract classes built at run time
// from the decorators nestream compiles, and payloads for them (valid, near-valid, wrong types,
// extra and missing keys, nested objects and arrays, `__proto__` / `constructor` keys).
import 'reflect-metadata';
import { Type } from 'class-transformer';
import * as cv from 'class-validator';
import fc from 'fast-check';

export enum Color {
  Red = 'red',
  Green = 'green',
}

/** A numeric enum has reverse mappings: class-validator accepts its names too, and lists only its values. */
export enum Level {
  Low = 1,
  High = 3,
}

export interface RuleSpec {
  readonly decorator: string;
  readonly args: readonly unknown[];
  readonly each?: boolean;
  readonly message?: 'text' | 'function' | 'empty';
}

type Profile = 'string' | 'number' | 'boolean' | 'date' | 'array' | 'object' | 'nested';

export interface PropertySpec {
  readonly name: string;
  readonly profile: Profile;
  readonly rules: readonly RuleSpec[];
  /** @ValidateNested: the child's rules; `typed` adds @Type(() => Child). */
  readonly child?: ClassSpec;
  readonly typed?: boolean;
}

export interface ClassSpec {
  readonly properties: readonly PropertySpec[];
  readonly parent?: ClassSpec;
}

/** One payload: for each property (by position) missing, a valid-looking value or another, plus extra keys. */
export interface PayloadSpec {
  readonly picks: readonly { readonly missing: boolean; readonly valid: boolean; readonly index: number }[];
  readonly extras: readonly { readonly key: string; readonly value: number }[];
  readonly nullPrototype: boolean;
}

// Integer-like names come first in class-validator's order. (A property named like an Object.prototype
// member makes class-validator throw; a unit test covers that such a class keeps class-validator.)
const NAMES = ['alpha', 'beta', 'email', 'count', 'items', 'when', 'child', 'flag', '10', '2'];
const EXTRA_KEYS = ['extra', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', '0', '__defineGetter__', 'alpha'];

const rule = (decorator: string, ...args: unknown[]): RuleSpec => ({ decorator, args });
const modifiers = fc.record({ message: fc.constantFrom<RuleSpec['message']>(undefined, undefined, undefined, undefined, 'text', 'function', 'empty') });
const withModifiers = (base: fc.Arbitrary<RuleSpec>, eachAllowed = true) =>
  fc.tuple(base, modifiers, fc.nat(9)).map(([r, m, dice]) => ({ ...r, each: eachAllowed && dice === 0 ? true : r.each, message: m.message }));

const stringFormat = fc.oneof(
  fc.constant(rule('IsEmail')),
  fc.constantFrom<unknown[]>([], ['4'], ['all'], [['4', '7']]).map((args) => rule('IsUUID', ...args)),
  fc.constantFrom<unknown[]>([], [{ strict: true }]).map((args) => rule('IsISO8601', ...args)),
  fc.constant(rule('IsDateString')),
  fc.constantFrom<unknown[]>([], [{ require_tld: false }]).map((args) => rule('IsUrl', ...args)),
  fc.constantFrom<unknown[]>([/^[a-c]+$/], ['^x+', 'i'], [/a/g], [/^\d{3}$/]).map((args) => rule('Matches', ...args)),
  fc.constant(rule('IsIn', ['red', 'green', 'blue', ''])),
  fc.constant(rule('IsEnum', Color)),
  fc.constant(rule('IsNotEmpty')),
);
const stringLength = fc.oneof(
  fc.nat(12).map((n) => rule('MinLength', n)),
  fc.nat(12).map((n) => rule('MaxLength', n)),
  fc.tuple(fc.nat(6), fc.option(fc.integer({ min: 3, max: 14 }), { nil: undefined })).map(([min, max]) => (max === undefined ? rule('Length', min) : rule('Length', min, max))),
);
const numberBase = fc.oneof(
  fc.constant(rule('IsInt')),
  fc.constantFrom<unknown[]>([], [{}], [{ allowNaN: true }], [{ allowInfinity: true }], [{ maxDecimalPlaces: 1 }]).map((args) => rule('IsNumber', ...args)),
);
const numberExtra = fc.oneof(
  fc.integer({ min: -2, max: 10 }).map((n) => rule('Min', n)),
  fc.integer({ min: 0, max: 100 }).map((n) => rule('Max', n)),
  fc.constant(rule('IsPositive')),
  fc.constant(rule('IsIn', [1, 2, 3])),
  fc.constant(rule('IsEnum', Level)),
);
const elementRule = fc.constantFrom(rule('IsString'), rule('IsInt'), rule('IsEmail'), rule('MaxLength', 3), rule('IsIn', ['a', 'b']), rule('IsNotEmpty')).map((r) => ({ ...r, each: true }));
const arrayExtra = fc.oneof(
  fc.nat(3).map((n) => rule('ArrayMinSize', n)),
  fc.integer({ min: 1, max: 4 }).map((n) => rule('ArrayMaxSize', n)),
  fc.constant(rule('ArrayNotEmpty')),
);
const presence = fc.constantFrom<RuleSpec[]>([], [], [], [rule('IsOptional')], [rule('IsDefined')], [rule('IsOptional'), rule('IsDefined')]);

function rulesOf(profile: Exclude<Profile, 'nested'>): fc.Arbitrary<RuleSpec[]> {
  switch (profile) {
    case 'string':
      return fc
        .tuple(fc.boolean(), fc.array(withModifiers(stringFormat), { maxLength: 1 }), fc.array(withModifiers(stringLength), { maxLength: 2 }), presence)
        .map(([typed, format, lengths, extra]) => [...(typed ? [rule('IsString')] : []), ...format, ...lengths, ...extra]);
    case 'number':
      return fc.tuple(withModifiers(numberBase), fc.array(withModifiers(numberExtra), { maxLength: 2 }), presence).map(([base, extra, p]) => [base, ...extra, ...p]);
    case 'boolean':
      return fc.tuple(withModifiers(fc.constant(rule('IsBoolean'))), presence).map(([base, p]) => [base, ...p]);
    case 'date':
      return fc.tuple(withModifiers(fc.constant(rule('IsDate')), false), presence).map(([base, p]) => [base, ...p]);
    case 'array':
      return fc
        .tuple(withModifiers(fc.constant(rule('IsArray')), false), fc.array(withModifiers(arrayExtra, false), { maxLength: 2 }), fc.array(elementRule, { maxLength: 1 }), presence)
        .map(([base, extra, element, p]) => [base, ...extra, ...element, ...p]);
    case 'object':
      return fc.tuple(withModifiers(fc.constant(rule('IsObject')), false), fc.array(fc.constant(rule('IsNotEmpty')), { maxLength: 1 }), presence).map(([base, extra, p]) => [base, ...extra, ...p]);
  }
}

const flatProfile = fc.constantFrom<Exclude<Profile, 'nested'>>('string', 'string', 'number', 'number', 'boolean', 'date', 'array', 'object');

function flatProperties(min: number, max: number): fc.Arbitrary<PropertySpec[]> {
  return fc
    .uniqueArray(fc.constantFrom(...NAMES), { minLength: min, maxLength: max })
    .chain((names) => fc.tuple(...names.map((name) => flatProfile.chain((profile) => rulesOf(profile).map((rules): PropertySpec => ({ name, profile, rules }))))));
}

const nestedProperty = (name: string): fc.Arbitrary<PropertySpec> =>
  fc
    .tuple(flatProperties(1, 3), fc.boolean(), fc.nat(9), fc.constantFrom<RuleSpec[]>([], [rule('IsObject')], [rule('IsArray')], [rule('IsDefined')], [rule('IsOptional')]), modifiers)
    .map(([properties, each, typedDice, extra, m]) => ({
      name,
      profile: 'nested' as const,
      child: { properties },
      typed: typedDice !== 0,
      rules: [{ ...rule('ValidateNested'), each, message: m.message }, ...extra],
    }));

/** Contracts of flat properties; sometimes one nested property (with its own class); sometimes a parent class. */
export const classSpec: fc.Arbitrary<ClassSpec> = fc
  .tuple(flatProperties(1, 5), fc.nat(3), fc.option(flatProperties(1, 2), { freq: 4, nil: undefined }))
  .chain(([properties, nestedDice, parent]) => {
    const parentSpec = parent ? { properties: parent } : undefined;
    if (nestedDice !== 0) return fc.constant({ properties, parent: parentSpec });
    const free = NAMES.filter((name) => !properties.some((p) => p.name === name));
    return nestedProperty(free[0]!).map((nested) => ({ properties: [...properties, nested], parent: parentSpec }));
  });

export const payloadSpec: fc.Arbitrary<PayloadSpec> = fc.record({
  picks: fc.array(fc.record({ missing: fc.nat(9).map((d) => d === 0), valid: fc.nat(9).map((d) => d < 8), index: fc.nat(1_000) }), { minLength: 8, maxLength: 8 }),
  extras: fc.oneof(
    { arbitrary: fc.constant([]), weight: 3 },
    { arbitrary: fc.array(fc.record({ key: fc.constantFrom(...EXTRA_KEYS), value: fc.nat(4) }), { minLength: 1, maxLength: 2 }), weight: 1 },
  ),
  nullPrototype: fc.nat(19).map((d) => d === 0),
});

let classCounter = 0;

/**
 * The contract class of a spec (its parent and nested classes built first), decorated as
 * TypeScript would; every class made is added to `made`.
 */
export function buildContract(spec: ClassSpec, made: Function[] = []): new () => object {
  const Parent = spec.parent ? buildContract(spec.parent, made) : undefined;
  const name = `Generated${++classCounter}`;
  const Contract = Parent ? { [name]: class extends Parent {} }[name]! : { [name]: class {} }[name]!;
  made.push(Contract);
  for (const property of spec.properties) {
    Reflect.defineMetadata('design:type', designType(property), Contract.prototype, property.name);
    if (property.profile === 'date') Type(() => Date)(Contract.prototype, property.name);
    if (property.child && property.typed) {
      const Child = buildContract(property.child, made);
      Type(() => Child)(Contract.prototype, property.name);
    }
    for (const r of property.rules) decoratorOf(r)(Contract.prototype, property.name);
  }
  return Contract;
}

function designType(property: PropertySpec): Function {
  if (property.profile === 'array' || (property.profile === 'nested' && property.rules[0]!.each)) return Array;
  return { string: String, number: Number, boolean: Boolean, date: Date, object: Object, nested: Object, array: Array }[property.profile];
}

function decoratorOf({ decorator, args, each, message }: RuleSpec): PropertyDecorator {
  const options: cv.ValidationOptions | undefined =
    each || message
      ? {
          ...(each ? { each: true } : {}),
          ...(message === 'text' ? { message: 'bad $property ($value) [$constraint1] in $target' } : {}),
          ...(message === 'function' ? { message: (a: cv.ValidationArguments) => `fn ${a.property} ${typeof a.value} ${a.targetName} ${String(a.constraints)}` } : {}),
          ...(message === 'empty' ? { message: '' } : {}),
        }
      : undefined;
  const [a, b] = args as [never, never];
  const make: Record<string, () => PropertyDecorator> = {
    IsString: () => cv.IsString(options),
    IsInt: () => cv.IsInt(options),
    IsNumber: () => cv.IsNumber(a, options),
    IsBoolean: () => cv.IsBoolean(options),
    IsEmail: () => cv.IsEmail(a, options),
    IsUUID: () => cv.IsUUID(a, options),
    IsISO8601: () => cv.IsISO8601(a, options),
    IsDateString: () => cv.IsDateString(a, options),
    IsDate: () => cv.IsDate(options),
    IsIn: () => cv.IsIn(a, options),
    IsEnum: () => cv.IsEnum(a, options),
    IsNotEmpty: () => cv.IsNotEmpty(options),
    Min: () => cv.Min(a, options),
    Max: () => cv.Max(a, options),
    IsPositive: () => cv.IsPositive(options),
    MinLength: () => cv.MinLength(a, options),
    MaxLength: () => cv.MaxLength(a, options),
    Length: () => cv.Length(a, b, options),
    Matches: () => (b === undefined ? cv.Matches(a, options) : cv.Matches(a, b, options)),
    IsUrl: () => cv.IsUrl(a, options),
    IsObject: () => cv.IsObject(options),
    IsArray: () => cv.IsArray(options),
    ArrayMinSize: () => cv.ArrayMinSize(a, options),
    ArrayMaxSize: () => cv.ArrayMaxSize(a, options),
    ArrayNotEmpty: () => cv.ArrayNotEmpty(options),
    IsOptional: () => cv.IsOptional(options),
    IsDefined: () => cv.IsDefined(options),
    ValidateNested: () => cv.ValidateNested(options),
  };
  return make[decorator]!();
}
