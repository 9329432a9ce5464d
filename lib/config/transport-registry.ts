import { DEFAULT_MEMORY_TRANSPORT } from './constants.js';
import { ConfigurationError } from '../core/errors.js';
import type { Transport } from '../core/transport.js';

/** The app's named transports. The first configured is the default. */
export class TransportRegistry {
  private readonly transports: ReadonlyMap<string, Transport>;
  /** Resolves to the connected transport; kept, so publishes after connecting chain nothing new. */
  private readonly connecting = new Map<string, Promise<Transport>>();
  /** The transports whose first connect resolved: a publish to one of them awaits nothing first. */
  private readonly up = new Map<string, Transport>();
  readonly defaultName: string;

  /** `createDefault` makes the transport used when none is configured (the module passes the in-memory one). */
  constructor(transports: Record<string, Transport> | undefined, createDefault: () => Transport) {
    const entries = Object.entries(transports ?? {});
    if (entries.length === 0) entries.push([DEFAULT_MEMORY_TRANSPORT, createDefault()]);
    for (const [name, transport] of entries) {
      if (!transport || typeof transport.publish !== 'function' || typeof transport.subscribe !== 'function') {
        throw new ConfigurationError(`NestreamModule: transport '${name}' is not a Transport instance`);
      }
    }
    this.transports = new Map(entries);
    this.defaultName = entries[0]![0];
  }

  get names(): string[] {
    return [...this.transports.keys()];
  }

  has(name: string): boolean {
    return this.transports.has(name);
  }

  get(name: string): Transport {
    const transport = this.transports.get(name);
    if (!transport) throw new ConfigurationError(`Unknown transport '${name}'; configured: ${this.names.join(', ')}`);
    return transport;
  }

  /** Connects once per transport; later callers share the first attempt (a failed one is retried). */
  connected(name: string): Promise<Transport> {
    const transport = this.get(name);
    let connecting = this.connecting.get(name);
    if (!connecting) {
      connecting = transport.connect().then(() => {
        this.up.set(name, transport);
        return transport;
      });
      this.connecting.set(name, connecting);
      connecting.catch(() => this.connecting.delete(name));
    }
    return connecting;
  }

  /** The transport if `connected(name)` has resolved before, else undefined (then call that). */
  connectedNow(name: string): Transport | undefined {
    return this.up.get(name);
  }

  /**
   * Closes every transport, waiting at most `timeoutMs` for them (a transport whose close waits
   * on a handler that never returns must not hold the process). Resolves to the names of those
   * still closing when the time was up.
   */
  async closeAll(timeoutMs = Infinity): Promise<string[]> {
    const closing = new Set(this.names);
    const closed = Promise.allSettled([...this.transports].map(([name, transport]) => transport.close().finally(() => closing.delete(name))));
    let timer: NodeJS.Timeout | undefined;
    const timedOut = Number.isFinite(timeoutMs) ? new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs))) : new Promise<void>(() => undefined);
    await Promise.race([closed, timedOut]);
    clearTimeout(timer);
    this.connecting.clear();
    return [...closing];
  }
}
