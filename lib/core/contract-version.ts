import type { ContractMetadata } from './contract.js';

/**
 * Orders contract versions: numeric parts as numbers, so 'v2' < 'v10' and '1.2' < '1.10'.
 * Negative when `a` is older than `b`.
 */
export function compareVersions(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true, sensitivity: 'base' });
}

/** A declared conversion between two versions of one event (see `upcast` and `downcast`). */
export interface VersionCast {
  /** 'upcast': older to newer, run by consumers; 'downcast': newer to older, run by producers. */
  readonly direction: 'upcast' | 'downcast';
  readonly from: ContractMetadata;
  readonly to: ContractMetadata;
  readonly convert: (payload: never) => unknown;
}

/** `name@version`, the way messages and errors name one version of an event. */
export function versionLabel(contract: ContractMetadata): string {
  return contract.version ? `${contract.name}@${contract.version}` : contract.name;
}
