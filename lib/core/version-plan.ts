import type { ContractMetadata } from './contract.js';
import { compareVersions, versionLabel, type VersionCast } from './contract-version.js';
import { ConfigurationError } from './errors.js';
import { Headers, type MessageHeaders } from './headers.js';

/**
 * What one versioned subscriber accepts: its own version, and every older version with a chain
 * of upcasters to it (v1 → v2 → v3). Built once at bootstrap from the module's upcasters.
 */
export class VersionPlan {
  /** Every declared version of the event (the subscriber's and the upcasters'), oldest first. */
  readonly versions: readonly string[];
  /** One contract per declared version, oldest first (the AsyncAPI document lists them all). */
  readonly contracts: readonly ContractMetadata[];
  private readonly paths = new Map<string, readonly VersionCast[]>();

  constructor(
    readonly target: ContractMetadata & { readonly version: string },
    casts: readonly VersionCast[],
  ) {
    const own = casts.filter((cast) => cast.direction === 'upcast' && cast.from.name === target.name);
    const byVersion = new Map<string, ContractMetadata>([[target.version, target]]);
    for (const contract of own.flatMap((cast) => [cast.from, cast.to])) claim(byVersion, contract);
    this.versions = [...byVersion.keys()].sort(compareVersions);
    this.contracts = this.versions.map((version) => byVersion.get(version)!);
    this.paths.set(target.version, []);
    this.walkBack(own);
  }

  /** The oldest declared version: what a message without `x-event-version` is taken to be. */
  get oldest(): string {
    return this.versions[0]!;
  }

  /** The version a message is of; no header means the oldest declared version (documented). */
  versionOf(headers: MessageHeaders): string {
    return headers[Headers.eventVersion] || this.oldest;
  }

  /** The upcasters, in order, that take a payload of `version` to the subscriber's; undefined when there is no path. */
  path(version: string): readonly VersionCast[] | undefined {
    return this.paths.get(version);
  }

  /**
   * Of the versions one event was published in (a downcasting producer sends several copies),
   * the copy this subscriber handles: its own version, else the newest it can upcast, else the
   * newest (which then dead-letters as unsupported, once).
   */
  chosenCopy(published: readonly string[]): string {
    if (published.includes(this.target.version)) return this.target.version;
    const newestFirst = [...published].sort(compareVersions).reverse();
    return newestFirst.find((version) => this.paths.has(version)) ?? newestFirst[0]!;
  }

  /** Breadth-first from the subscriber's version back along upcasters: the shortest chain wins. */
  private walkBack(casts: readonly VersionCast[]): void {
    const queue = [this.target.version];
    while (queue.length > 0) {
      const to = queue.shift()!;
      const rest = this.paths.get(to)!;
      for (const cast of casts.filter((c) => c.to.version === to)) {
        const from = cast.from.version!;
        if (this.paths.has(from)) continue;
        this.paths.set(from, [cast, ...rest]);
        queue.push(from);
      }
    }
  }
}

/** One class per version of an event: two would leave it unclear which validates the message. */
function claim(byVersion: Map<string, ContractMetadata>, contract: ContractMetadata): void {
  const known = byVersion.get(contract.version!);
  if (known && known.target !== contract.target) {
    throw new ConfigurationError(`${versionLabel(contract)} is declared by two classes, ${known.target.name} and ${contract.target.name}; one class per version`);
  }
  byVersion.set(contract.version!, contract);
}
