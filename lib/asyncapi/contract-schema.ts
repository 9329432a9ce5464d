import { readContractRules, type ContractProperty } from '../contracts/contract-rules.js';
import { ref, type JsonSchema, type Reference } from './asyncapi-document.js';
import { mergeSchemas, ruleSchema } from './rule-schemas.js';
import { safeKey, uniqueKey } from './ids.js';

type Schema = Record<string, unknown>;

/** Value classes @Type may name that are not nested contracts. */
const PLAIN_TYPES = new Set<unknown>([Object, Date, String, Number, Boolean, Array]);

/**
 * `components.schemas`: the payload schema of each contract class, and of each class nested in
 * one (@ValidateNested with @Type), referenced by `$ref` so recursive classes end. Built from
 * the contract's rule model (contracts/contract-rules.ts), the same one its validator is built
 * from. Unknown properties are rejected by the validator, hence `additionalProperties: false`.
 */
export class ContractSchemas {
  readonly schemas: Record<string, JsonSchema> = {};
  private readonly keys = new Map<Function, string>();

  /** A class with class-validator rules. */
  refOf(target: Function): Reference {
    return this.claim(target, () => this.objectSchema(target));
  }

  /** A schema made elsewhere (a Standard Schema contract's), kept under its contract class's name. */
  refOfGiven(target: Function, schema: () => JsonSchema): Reference {
    return this.claim(target, schema);
  }

  private claim(target: Function, build: () => JsonSchema): Reference {
    let key = this.keys.get(target);
    if (!key) {
      key = uniqueKey({ has: (k) => k in this.schemas }, safeKey(target.name || 'Payload'));
      this.keys.set(target, key);
      this.schemas[key] = {}; // claimed first: a class nested in itself refers back to this key
      this.schemas[key] = build();
    }
    return ref('components', 'schemas', key);
  }

  private objectSchema(target: Function): JsonSchema {
    const properties: Record<string, JsonSchema> = {};
    const required: string[] = [];
    for (const property of readContractRules(target).properties) {
      const { schema, isRequired } = this.propertySchema(property);
      properties[property.name] = schema;
      if (isRequired) required.push(property.name);
    }
    return { type: 'object', properties, ...(required.length > 0 ? { required } : {}), additionalProperties: false };
  }

  private propertySchema(property: ContractProperty): { schema: JsonSchema; isRequired: boolean } {
    const value: Schema = {};
    // `each: true` rules check the elements (class-validator checks a non-array value itself; the document describes the array).
    const items: Schema = {};
    const unmapped: string[] = [];
    let optional = false;
    let conditional = false;
    let checked = false;
    let nested: { each: boolean } | undefined;
    for (const rule of property.rules) {
      if (rule.kind === 'optional') optional = true;
      else if (rule.kind === 'condition') conditional = true;
      else if (rule.kind === 'defined') checked = true;
      else if (rule.kind === 'nested') (checked = true), (nested = { each: rule.each });
      else if (rule.kind === 'promise') unmapped.push('validatePromise');
      else if (rule.kind === 'constraint') {
        checked = true;
        const keywords = ruleSchema(rule);
        if (keywords) mergeSchemas(rule.each ? items : value, keywords);
        else unmapped.push(rule.constraint ?? 'custom');
      }
    }
    const nestedClass = property.transform.type?.typeFunction?.();
    if (nested && typeof nestedClass === 'function' && !PLAIN_TYPES.has(nestedClass)) {
      const arrayOf = nested.each || value.type === 'array' || property.transform.type?.reflectedType === Array;
      addRef(arrayOf ? items : value, this.refOf(nestedClass));
    }
    if (Object.keys(items).length > 0) value.items = items;
    if (unmapped.length > 0) value['x-nestream-rules'] = unmapped;
    if (conditional) value['x-nestream-validate-if'] = true;
    return { schema: optional ? allowNull(value) : value, isRequired: checked && !optional && !conditional };
  }
}

/** Draft-07 ignores the siblings of `$ref`: beside other keywords it goes in `allOf`. */
function addRef(schema: Schema, reference: Reference): void {
  if (Object.keys(schema).length === 0) Object.assign(schema, reference);
  else schema.allOf = [...((schema.allOf as JsonSchema[] | undefined) ?? []), reference];
}

/** @IsOptional skips every other rule for null as for undefined. */
function allowNull(schema: Schema): JsonSchema {
  const restricting = ['enum', 'const', '$ref', 'allOf', 'not'].some((keyword) => keyword in schema);
  if (typeof schema.type === 'string' && !restricting) return { ...schema, type: [schema.type, 'null'] };
  if (schema.type === undefined && !restricting) return schema;
  return { anyOf: [schema, { type: 'null' }] };
}
