import type { ContractMetadata } from '../core/contract.js';
import type { HandlerBinding } from '../config/handler-binding.js';
import type { AppDescription } from './app-description.js';
import { safeKey, uniqueKey } from './ids.js';

/** One topic on one transport, with what flows on it. */
export interface ChannelEntry {
  readonly id: string;
  readonly topic: string;
  readonly transport: string;
  readonly kind: string;
  /** Contracts received or sent on it, by class (a class is one message). */
  readonly contracts: Map<Function, ContractMetadata>;
  /** Subscriptions that dead-letter to this channel. */
  readonly deadLetterOf: HandlerBinding[];
}

/**
 * Channels per topic per transport: what the app subscribes to, publishes to, and
 * dead-letters to. A dead-letter channel is a channel like any other (a monitor may consume it).
 */
export class ChannelMap {
  private readonly byAddress = new Map<string, ChannelEntry>();
  private readonly ids = new Set<string>();
  private readonly kinds: ReadonlyMap<string, string>;

  constructor(app: AppDescription) {
    this.kinds = new Map(app.transports.map((t) => [t.name, t.kind]));
    for (const binding of app.subscriptions) {
      this.add(binding.transport, binding.topic, binding.contract);
      // A versioned subscriber takes every version its upcasters lead from: one message per version.
      for (const version of binding.versions?.contracts ?? []) this.add(binding.transport, binding.topic, version);
      if (binding.deadLetter) this.get(binding.deadLetter.transport, binding.deadLetter.topic).deadLetterOf.push(binding);
    }
    for (const publication of app.publications) this.add(publication.transport, publication.topic, publication.contract);
  }

  get(transport: string, topic: string): ChannelEntry {
    const address = `${transport}\u0000${topic}`;
    let entry = this.byAddress.get(address);
    if (!entry) {
      // Readable and unique: `main.user.created`; a clash after escaping gets a number.
      const id = uniqueKey(this.ids, safeKey(`${transport}.${topic}`));
      this.ids.add(id);
      entry = { id, topic, transport, kind: this.kinds.get(transport) ?? transport, contracts: new Map(), deadLetterOf: [] };
      this.byAddress.set(address, entry);
    }
    return entry;
  }

  get entries(): ChannelEntry[] {
    return [...this.byAddress.values()];
  }

  private add(transport: string, topic: string, contract: ContractMetadata | undefined): void {
    const entry = this.get(transport, topic);
    if (contract) entry.contracts.set(contract.target, contract);
  }
}
