import type { ContractMetadata } from '../core/contract.js';
import { compareVersions, versionLabel, type VersionCast } from '../core/contract-version.js';
import { ConfigurationError } from '../core/errors.js';

/** One older-version copy of a published event: its contract, and how the payload becomes it. */
export interface DowncastCopy {
  readonly contract: ContractMetadata;
  readonly convert: (payload: unknown) => unknown;
}

/** What a publish of one contract sends besides itself, and the version list every copy carries. */
export interface DowncastFanOut {
  readonly copies: readonly DowncastCopy[];
  /** `x-event-versions`: the original's version and each copy's, newest first. */
  readonly versions: string;
}

/**
 * The module's downcasters, resolved once: for each contract class with a downcaster, the copies
 * one publish of it sends (chained: v3 → v2 → v1 sends a v2 and a v1 copy).
 */
export class DowncastCopies {
  private readonly byClass = new Map<Function, DowncastFanOut>();

  constructor(casts: readonly VersionCast[] = []) {
    const wrong = casts.find((cast) => cast.direction !== 'downcast');
    if (wrong) throw new ConfigurationError(`NestreamModule.forRoot: downcasters takes downcast(...) declarations; ${wrong.from.target.name} → ${wrong.to.target.name} is an ${wrong.direction}`);
    for (const cast of casts) this.byClass.has(cast.from.target) || this.resolve(cast.from, casts);
  }

  of(contract: ContractMetadata): DowncastFanOut | undefined {
    return this.byClass.get(contract.target);
  }

  private resolve(origin: ContractMetadata, casts: readonly VersionCast[]): void {
    const copies: DowncastCopy[] = [];
    const seen = new Set([origin.version]);
    const walk = (from: ContractMetadata, convert: (payload: unknown) => unknown): void => {
      for (const cast of casts.filter((c) => c.from.target === from.target)) {
        if (seen.has(cast.to.version)) throw new ConfigurationError(`downcasters: two lead to ${versionLabel(cast.to)} from ${versionLabel(origin)}; declare one`);
        seen.add(cast.to.version);
        const step = cast.convert as (payload: unknown) => unknown;
        const chained = (payload: unknown) => step(convert(payload));
        copies.push({ contract: cast.to, convert: chained });
        walk(cast.to, chained);
      }
    };
    walk(origin, (payload) => payload);
    const versions = [origin.version!, ...copies.map((copy) => copy.contract.version!)].sort(compareVersions).reverse();
    this.byClass.set(origin.target, { copies, versions: versions.join(',') });
  }
}
