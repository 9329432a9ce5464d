/// <reference path="./class-transformer-storage.d.ts" />
import { TransformationType } from 'class-transformer';
import { defaultMetadataStorage } from 'class-transformer/cjs/storage.js';
import { getMetadataStorage, ValidationTypes, type MetadataStorage, type ValidationArguments } from 'class-validator';

/** class-validator's own record of one decorator (its type is not exported by name). */
export type ValidationMetadata = ReturnType<MetadataStorage['getTargetValidationMetadatas']>[number];

/** How class-validator's executor treats a rule: it decides when the rule runs, and whether it checks anything. */
export type RuleKind =
  /** A checking rule made with ValidateBy / registerDecorator: every built-in check, and custom constraints. */
  | 'constraint'
  /** @IsDefined: runs before the property's other rules. */
  | 'defined'
  /** @IsOptional: a null or undefined value skips the property's other rules. */
  | 'optional'
  /** @ValidateIf: skips the property's other rules when its condition is false. */
  | 'condition'
  /** @ValidateNested: the value (or each element) is validated against its own class's rules. */
  | 'nested'
  /** @ValidatePromise: the value is awaited first. */
  | 'promise'
  /** @Allow: whitelists the property and checks nothing. */
  | 'allow';

/** One validation decorator on one property, in terms that do not depend on class-validator's internals. */
export interface ContractRule {
  readonly kind: RuleKind;
  /**
   * The key class-validator reports the failure under ('isEmail', 'min', 'isUuid', a custom
   * constraint's name; 'nestedValidation' for @ValidateNested). Undefined for kinds that never fail.
   */
  readonly constraint?: string;
  /** The decorator's arguments as class-validator keeps them: [min] for @Min, [values] for @IsIn, [entity, values] for @IsEnum. */
  readonly args: readonly unknown[];
  /** `each: true`: the rule applies to every element of an array (or Set, Map). */
  readonly each: boolean;
  /** The `message` option; for @ValidateNested class-validator always sets one (its default). */
  readonly message?: string | ((args: ValidationArguments) => string);
  readonly groups: readonly string[];
  readonly always?: boolean;
  /** A custom constraint declared `async: true`. */
  readonly async: boolean;
  /** How many constraint implementations class-validator runs for it (a built-in has exactly one). */
  readonly implementations: number;
  /** The per-rule `validateIf` option. */
  readonly validateIf?: (object: object, value: unknown) => boolean;
  /** class-validator's record, for what the model leaves out (the constraint's own check and default message). */
  readonly metadata: ValidationMetadata;
}

/** What class-transformer does to one property on the way from plain object to instance. */
export interface PropertyTransform {
  /** @Type(() => X): what the value (or each element) becomes: Date, a nested contract class... */
  readonly type?: {
    readonly typeFunction?: (options?: unknown) => unknown;
    /** The property's design type (emitDecoratorMetadata), used by class-transformer for arrays. */
    readonly reflectedType?: unknown;
    readonly options: Readonly<Record<string, unknown>>;
  };
  /** Number of @Transform functions applied when building the instance. */
  readonly transforms: number;
  readonly exposed: boolean;
  readonly excluded: boolean;
}

export interface ContractProperty {
  readonly name: string;
  /** In class-validator's order: own rules (the decorator nearest the property first), then inherited ones. */
  readonly rules: readonly ContractRule[];
  readonly transform: PropertyTransform;
}

/**
 * The rule model of one contract class, read once from class-validator's and class-transformer's
 * metadata storages: what the compiled validator is built from, and what a JSON Schema mapping
 * (AsyncAPI) reads.
 */
export interface ContractRules {
  readonly target: Function;
  /** Every property with a rule, in the order class-validator validates them (and reports their errors). */
  readonly properties: readonly ContractProperty[];
  /**
   * class-transformer metadata anywhere on the class or its ancestors (@Type, @Transform, @Expose,
   * @Exclude, on any property or on the class): then only plainToInstance builds the instance.
   */
  readonly transformed: boolean;
}

/** Reads the rule model of a class. Call at bootstrap: it walks both storages. */
export function readContractRules(target: Function): ContractRules {
  const storage = getMetadataStorage();
  // The same call, with the same arguments, class-validator makes for each validation without groups.
  const metadatas = storage.getTargetValidationMetadatas(target, '', false, false, undefined);
  const grouped = groupByProperty(metadatas);
  const properties = Object.keys(grouped).map((name) => ({
    name,
    rules: grouped[name]!.map((metadata) => ruleOf(storage, metadata)),
    transform: transformOf(target, name),
  }));
  return { target, properties, transformed: hasTransformerMetadata(target) };
}

/**
 * class-validator groups a class's rules into a plain object keyed by property name; its key
 * order (integer-like names first) is the order of validation, and its inherited members
 * (`toString`, `constructor`...) take part in the whitelist check. Rebuilt the same way here.
 */
export function groupByProperty<T extends { propertyName: string }>(metadatas: readonly T[]): Record<string, T[]> {
  const grouped: Record<string, T[]> = {};
  for (const metadata of metadatas) {
    // class-validator tests `!grouped[name]`, and crashes on a property named like an
    // Object.prototype member; asking for an own key reads such a class too (compilation then
    // leaves it to class-validator).
    if (!Object.hasOwn(grouped, metadata.propertyName)) grouped[metadata.propertyName] = [];
    grouped[metadata.propertyName]!.push(metadata);
  }
  return grouped;
}

function ruleOf(storage: MetadataStorage, metadata: ValidationMetadata): ContractRule {
  const implementations = metadata.constraintCls ? storage.getTargetValidatorConstraints(metadata.constraintCls) : [];
  const validateIf = (metadata as { validateIf?: ContractRule['validateIf'] }).validateIf;
  return {
    kind: kindOf(metadata),
    constraint: metadata.type === ValidationTypes.NESTED_VALIDATION ? metadata.type : (implementations[0]?.name ?? constraintOfType(metadata.type)),
    args: Array.isArray(metadata.constraints) ? metadata.constraints : [],
    each: Boolean(metadata.each),
    message: metadata.message as ContractRule['message'],
    groups: metadata.groups ?? [],
    always: metadata.always,
    async: implementations.some((constraint) => constraint.async),
    implementations: implementations.length,
    validateIf,
    metadata,
  };
}

function kindOf(metadata: ValidationMetadata): RuleKind {
  switch (metadata.type) {
    case ValidationTypes.IS_DEFINED:
      return 'defined';
    case ValidationTypes.NESTED_VALIDATION:
      return 'nested';
    case ValidationTypes.PROMISE_VALIDATION:
      return 'promise';
    case ValidationTypes.WHITELIST:
      return 'allow';
    case ValidationTypes.CONDITIONAL_VALIDATION:
      return metadata.name === 'isOptional' ? 'optional' : 'condition';
    default:
      return 'constraint';
  }
}

/** The error key of a rule with no constraint implementation: class-validator falls back to its type. */
function constraintOfType(type: string): string | undefined {
  return type === ValidationTypes.CONDITIONAL_VALIDATION || type === ValidationTypes.WHITELIST || type === ValidationTypes.PROMISE_VALIDATION ? undefined : type;
}

function transformOf(target: Function, property: string): PropertyTransform {
  const type = defaultMetadataStorage.findTypeMetadata(target, property);
  return {
    type: type && {
      typeFunction: type.typeFunction as ((options?: unknown) => unknown) | undefined,
      reflectedType: type.reflectedType,
      options: (type.options ?? {}) as Record<string, unknown>,
    },
    transforms: defaultMetadataStorage.findTransformMetadatas(target, property, TransformationType.PLAIN_TO_CLASS).length,
    exposed: defaultMetadataStorage.findExposeMetadata(target, property) !== undefined,
    excluded: defaultMetadataStorage.findExcludeMetadata(target, property) !== undefined,
  };
}

type TransformerMaps = Record<'_typeMetadatas' | '_transformMetadatas' | '_exposeMetadatas' | '_excludeMetadatas', Map<Function, unknown> | undefined>;

/**
 * class-transformer has no public "any metadata for this class?" question, so its four maps are
 * read directly; should a later version rename them, every class counts as transformed (the
 * safe answer: plainToInstance keeps building the instances).
 */
function hasTransformerMetadata(target: Function): boolean {
  const maps = defaultMetadataStorage as unknown as TransformerMaps;
  const all = [maps._typeMetadatas, maps._transformMetadatas, maps._exposeMetadatas, maps._excludeMetadatas];
  if (!all.every((map) => map instanceof Map)) return true;
  return lineageOf(target).some((cls) => all.some((map) => map!.has(cls)));
}

/** The class and its ancestors, as class-transformer walks them. */
function lineageOf(target: Function): Function[] {
  const lineage: Function[] = [target];
  for (let base = Object.getPrototypeOf(target.prototype.constructor); typeof base.prototype !== 'undefined'; base = Object.getPrototypeOf(base.prototype.constructor)) {
    lineage.push(base);
  }
  return lineage;
}
