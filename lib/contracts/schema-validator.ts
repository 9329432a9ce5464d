import { MessageValidationError, type ValidationIssue } from '../core/errors.js';
import type { StandardSchemaV1 } from '../core/standard-schema.js';

/**
 * A Standard Schema contract's validator: the schema's output is the event. Its issues become
 * the same MessageValidationError as class-validator's, so dead letters carry the same headers.
 * A synchronous schema (zod, valibot, arktype without async refinements) makes no promise.
 */
export function schemaValidator(contractName: string, schema: StandardSchemaV1): (payload: unknown) => unknown {
  const standard = schema['~standard'];
  return (payload) => {
    const result = standard.validate(payload);
    if (result instanceof Promise) return result.then((settled) => outcome(contractName, standard.vendor, settled));
    return outcome(contractName, standard.vendor, result);
  };
}

function outcome(contractName: string, vendor: string, result: StandardSchemaV1.Result<unknown>): unknown {
  if (result.issues) throw new MessageValidationError(contractName, schemaIssues(vendor, result.issues));
  return result.value;
}

/**
 * Standard Schema issues as class-validator shapes them: one issue per property, nested
 * properties (and array indexes) as children, each message under the schema library's name
 * (`{ zod: 'Invalid email address' }`; a second one on the same property under `zod#2`...).
 * Issues about the payload as a whole are on the property '(payload)'.
 */
export function schemaIssues(vendor: string, issues: ReadonlyArray<StandardSchemaV1.Issue>): ValidationIssue[] {
  const root: ValidationIssue[] = [];
  for (const issue of issues) {
    const path = issue.path?.length ? issue.path.map(segmentName) : ['(payload)'];
    let level = root;
    let node: ValidationIssue | undefined;
    for (let depth = 0; depth < path.length; depth++) {
      const property = path[depth]!;
      node = level.find((candidate) => candidate.property === property);
      if (!node) level.push((node = { property, constraints: {} }));
      if (depth < path.length - 1) level = node.children ??= [];
    }
    addMessage(node!, vendor, issue.message);
  }
  return root;
}

function addMessage(issue: ValidationIssue, vendor: string, message: string): void {
  let key = vendor;
  for (let n = 2; Object.hasOwn(issue.constraints, key); n++) key = `${vendor}#${n}`;
  issue.constraints[key] = message;
}

function segmentName(segment: PropertyKey | StandardSchemaV1.PathSegment): string {
  const key = typeof segment === 'object' && segment !== null ? segment.key : segment;
  return typeof key === 'symbol' ? (key.description ?? key.toString()) : String(key);
}
