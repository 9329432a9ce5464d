import type { StandardSchemaV1 } from '../core/standard-schema.js';
import type { JsonSchema } from './asyncapi-document.js';

/** Standard JSON Schema (standardschema.dev): the converter zod 4 and arktype put beside `validate`. */
interface JsonSchemaConverter {
  readonly input?: (options: { readonly target: string }) => Record<string, unknown>;
}

/**
 * The payload schema of a Standard Schema contract: its JSON Schema where the library exposes
 * one (the input side: publishers send what they were given), else a description that says
 * which library validates it. AsyncAPI schemas are draft-07 supersets, hence the target.
 */
export function standardPayloadSchema(schema: StandardSchemaV1): JsonSchema {
  const props = schema['~standard'] as StandardSchemaV1['~standard'] & { readonly jsonSchema?: JsonSchemaConverter };
  const convert = props.jsonSchema?.input;
  if (typeof convert !== 'function') {
    return { description: `Validated by a ${props.vendor} schema (Standard Schema), which exposes no JSON Schema.`, 'x-nestream-schema-vendor': props.vendor };
  }
  try {
    const { $schema: _dialect, ...converted } = convert({ target: 'draft-07' });
    return { ...converted, 'x-nestream-schema-vendor': props.vendor };
  } catch (error) {
    // A library throws for what it cannot express (zod: transforms, custom checks).
    const reason = error instanceof Error ? error.message : String(error);
    return { description: `Validated by a ${props.vendor} schema (Standard Schema); its JSON Schema could not be made: ${reason}`, 'x-nestream-schema-vendor': props.vendor };
  }
}
