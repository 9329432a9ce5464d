import { backoffDelay, type BackoffOptions } from '../../core/backoff.js';
import { WakeableSleep } from '../kit/timers.js';
import type { KafkaConnection } from './kafka.connection.js';
import type { ResolvedKafkaOptions } from './kafka.options.js';

export interface KafkaTopologySettings {
  readonly topics: ResolvedKafkaOptions['topics'];
  readonly attempts: number;
  readonly backoff: Required<BackoffOptions>;
  /** Each transient failure that is tried again (logged, so a slow start is visible). */
  readonly onRetry: (topic: string, attempt: number, error: unknown) => void;
}

/**
 * What the transport creates on the broker: the topics it publishes or subscribes to, on first
 * use through the admin client. It remembers which exist, so only the first publish or
 * subscribe to a topic pays for a metadata round trip. A broker that just started can answer
 * "unknown topic or partition" or "leader not available" for a moment: those are tried again
 * with a bounded backoff instead of failing bootstrap. `close()` ends the waits.
 */
export class KafkaTopology {
  private readonly known = new Map<string, Promise<void>>();
  private readonly sleeper = new WakeableSleep();
  private closed = false;

  constructor(
    private readonly connection: KafkaConnection,
    private readonly settings: KafkaTopologySettings,
  ) {}

  ensure(topics: readonly string[]): Promise<void> {
    if (!this.settings.topics.create) return Promise.resolve();
    return Promise.all(topics.map((topic) => this.ensureOne(topic))).then(() => undefined);
  }

  close(): void {
    this.closed = true;
    this.sleeper.wake();
  }

  private ensureOne(topic: string): Promise<void> {
    let pending = this.known.get(topic);
    if (!pending) {
      pending = this.createWithRetry(topic);
      // A failed attempt is forgotten, so the next use tries again.
      pending.catch(() => this.known.delete(topic));
      this.known.set(topic, pending);
    }
    return pending;
  }

  private async createWithRetry(topic: string): Promise<void> {
    const { attempts, backoff, onRetry } = this.settings;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.create(topic);
      } catch (error) {
        if (this.closed || attempt >= attempts || !this.connection.isTransientMetadataError(error)) throw error;
        onRetry(topic, attempt, error);
        await this.sleeper.sleep(backoffDelay(attempt, backoff));
        if (this.closed) throw error;
      }
    }
  }

  private async create(topic: string): Promise<void> {
    // Asking first keeps the client from logging TOPIC_ALREADY_EXISTS for every new transport.
    if ((await this.connection.listTopics()).includes(topic)) return;
    const { numPartitions, replicationFactor, configEntries } = this.settings.topics;
    await this.connection.createTopic({ topic, numPartitions, replicationFactor, configEntries });
  }
}
