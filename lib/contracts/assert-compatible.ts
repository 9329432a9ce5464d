import type { ContractClass, ContractMetadata } from '../core/contract.js';
import { versionLabel, type VersionCast } from '../core/contract-version.js';
import { ConfigurationError, NestreamError } from '../core/errors.js';
import { VersionPlan } from '../core/version-plan.js';
import { contractOf } from '../decorators/metadata-accessor.js';
import { readContractRules, type ContractProperty, type ContractRule } from './contract-rules.js';
import { narrowing } from './rule-narrowing.js';

/** The newer version of an event would reject messages the older one accepts; `problems` say where and why. */
export class IncompatibleContractError extends NestreamError {
  override name = 'IncompatibleContractError';
  constructor(
    readonly older: string,
    readonly newer: string,
    readonly problems: readonly string[],
  ) {
    super(`${newer} would reject messages that ${older} accepts, and no upcaster covers ${older} → ${newer}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

export interface CompatibilityOptions {
  /** The app's upcasters: a chain of them from `older` to `newer` makes any change compatible. */
  upcasters?: readonly VersionCast[];
}

/**
 * Fails (IncompatibleContractError) when a consumer of `Newer` would reject a message a
 * producer of `Older` may send and no upcaster covers it: a property added as required, made
 * required, removed (unknown properties are rejected), a type narrowed, an enum member removed,
 * a length, size or range narrowed. For a test or a CI step: `assertCompatible(UserCreatedV1, UserCreatedV2)`.
 */
export function assertCompatible(Older: ContractClass, Newer: ContractClass, options: CompatibilityOptions = {}): void {
  const older = classContract(Older);
  const newer = classContract(Newer);
  if (older.name !== newer.name) throw new ConfigurationError(`assertCompatible: ${Older.name} and ${Newer.name} are not versions of one event ('${older.name}', '${newer.name}')`);
  if (older.version && newer.version && new VersionPlan(newer as ContractMetadata & { version: string }, options.upcasters ?? []).path(older.version)) return;
  const problems = compareClasses(Older, Newer, '');
  if (problems.length > 0) throw new IncompatibleContractError(versionLabel(older), versionLabel(newer), problems);
}

function classContract(target: ContractClass): ContractMetadata {
  const contract = contractOf(target, 'assertCompatible');
  if (contract.schema) throw new ConfigurationError(`assertCompatible: ${target.name} is a defineContract schema contract; the check reads class-validator rules`);
  return contract;
}

function compareClasses(older: Function, newer: Function, prefix: string): string[] {
  const olderProps = new Map(readContractRules(older).properties.map((p) => [p.name, p]));
  const newerProps = readContractRules(newer).properties;
  const problems: string[] = [];
  for (const name of olderProps.keys()) {
    if (!newerProps.some((p) => p.name === name)) problems.push(`'${prefix}${name}': removed, and the newer version rejects properties it does not declare`);
  }
  for (const property of newerProps) problems.push(...compareProperty(olderProps.get(property.name), property, prefix));
  return problems;
}

function compareProperty(older: ContractProperty | undefined, newer: ContractProperty, prefix: string): string[] {
  const name = `'${prefix}${newer.name}'`;
  const newerRules = applied(newer.rules);
  const optional = (rules: readonly ContractRule[]) => rules.some((rule) => rule.kind === 'optional');
  // Absent from every older message: only its presence could be required.
  if (!older) return optional(newerRules) ? [] : [`${name}: added as required (older messages do not have it); add @IsOptional() or an upcaster that sets it`];
  const olderRules = applied(older.rules);
  if (optional(olderRules) && !optional(newerRules)) return [`${name}: optional before, required now`];
  const problems: string[] = [];
  for (const rule of newerRules) {
    if (rule.kind === 'constraint') {
      const why = narrowing(rule, olderRules.filter((r) => r.kind === 'constraint'));
      if (why) problems.push(`${name}: ${why}`);
    } else if (rule.kind === 'condition' || rule.kind === 'promise') {
      if (!olderRules.some((r) => r.kind === rule.kind)) problems.push(`${name}: a @${rule.kind === 'condition' ? 'ValidateIf' : 'ValidatePromise'} the older version does not have`);
    } else if (rule.kind === 'nested') {
      problems.push(...compareNested(name, older, newer, prefix));
    }
  }
  return problems;
}

/** Both nested: compare the nested classes, property by property. */
function compareNested(name: string, older: ContractProperty, newer: ContractProperty, prefix: string): string[] {
  const olderClass = nestedClass(older);
  const newerClass = nestedClass(newer);
  if (!older.rules.some((rule) => rule.kind === 'nested')) return [`${name}: validated as a nested object now, not before`];
  if (!olderClass || !newerClass) return olderClass === newerClass ? [] : [`${name}: its nested class cannot be compared (give both an @Type)`];
  return olderClass === newerClass ? [] : compareClasses(olderClass, newerClass, `${prefix}${newer.name}.`);
}

function nestedClass(property: ContractProperty): Function | undefined {
  const type = property.transform.type?.typeFunction?.();
  return typeof type === 'function' ? type : undefined;
}

/** The rules that run on a validation without groups, as nestream's validators run them. */
function applied(rules: readonly ContractRule[]): ContractRule[] {
  return rules.filter((rule) => rule.groups.length === 0 || rule.always === true);
}
