import type { ContractClass, ContractMetadata } from '../core/contract.js';
import { compareVersions, versionLabel, type VersionCast } from '../core/contract-version.js';
import { ConfigurationError } from '../core/errors.js';
import { contractOf } from '../decorators/metadata-accessor.js';

/**
 * Declares how a consumer turns an event of an older version into the next one
 * (`NestreamModule.forRoot({ upcasters: [upcast(UserCreatedV1, UserCreatedV2, (v1) => ({ ...v1, tier: 'free' }))] })`).
 * The function gets a validated `from` event and returns a payload that `to` then validates;
 * upcasters chain, v1 → v2 → v3.
 */
export function upcast<From, To>(from: ContractClass<From>, to: ContractClass<To>, convert: (event: From) => NoInfer<To>): VersionCast {
  return declare('upcast', from as ContractClass, to as ContractClass, convert, (order) => order < 0);
}

/**
 * Declares how a producer in the middle of a migration turns a new event into an older version
 * for consumers that have not moved yet: each publish of `from` also publishes a `to` copy on the
 * same topic, and every consumer handles exactly one of the copies (`x-event-versions`).
 */
export function downcast<From, To>(from: ContractClass<From>, to: ContractClass<To>, convert: (event: From) => NoInfer<To>): VersionCast {
  return declare('downcast', from as ContractClass, to as ContractClass, convert, (order) => order > 0);
}

function declare(direction: VersionCast['direction'], fromClass: ContractClass, toClass: ContractClass, convert: (event: never) => unknown, rightWay: (order: number) => boolean): VersionCast {
  const from = versioned(fromClass, direction);
  const to = versioned(toClass, direction);
  const what = `${direction}(${fromClass.name}, ${toClass.name})`;
  if (from.name !== to.name) throw new ConfigurationError(`${what}: both must be versions of one event, got '${from.name}' and '${to.name}'`);
  if (typeof convert !== 'function') throw new ConfigurationError(`${what}: the third argument is the function that converts the event`);
  if (!rightWay(compareVersions(from.version!, to.version!))) {
    const expected = direction === 'upcast' ? 'an older version to a newer one' : 'a newer version to an older one';
    throw new ConfigurationError(`${what}: ${direction} goes from ${expected}; got ${versionLabel(from)} → ${versionLabel(to)}`);
  }
  return { direction, from, to, convert };
}

function versioned(target: ContractClass, direction: string): ContractMetadata {
  const contract = contractOf(target, direction);
  if (!contract.version) throw new ConfigurationError(`${direction}: ${target.name} has no version; give it one with @EventContract('${contract.name}', { version: 'v1' })`);
  return contract;
}
