import type { Admin } from 'kafkajs';
import type { KafkaTopicOptions } from './kafka.options.js';
import { KAFKA_DEFAULTS } from './kafka.options.js';

/**
 * Creates topics on first use through the admin client and remembers which exist, so only
 * the first publish or subscribe to a topic pays for a metadata round trip.
 */
export class TopicProvisioner {
  private readonly known = new Map<string, Promise<void>>();

  constructor(
    private readonly admin: Admin,
    private readonly options: KafkaTopicOptions,
  ) {}

  ensure(topics: readonly string[]): Promise<void> {
    if (this.options.create === false) return Promise.resolve();
    return Promise.all(topics.map((topic) => this.ensureOne(topic))).then(() => undefined);
  }

  private ensureOne(topic: string): Promise<void> {
    let pending = this.known.get(topic);
    if (!pending) {
      pending = this.create(topic);
      // A failed attempt is forgotten, so the next use tries again.
      pending.catch(() => this.known.delete(topic));
      this.known.set(topic, pending);
    }
    return pending;
  }

  private async create(topic: string): Promise<void> {
    // Asking first keeps kafkajs from logging TOPIC_ALREADY_EXISTS for every new client.
    if ((await this.admin.listTopics()).includes(topic)) return;
    // createTopics answers false (no error) for a topic created meanwhile by someone else.
    await this.admin.createTopics({
      waitForLeaders: true,
      topics: [
        {
          topic,
          numPartitions: this.options.numPartitions ?? KAFKA_DEFAULTS.numPartitions,
          replicationFactor: this.options.replicationFactor ?? KAFKA_DEFAULTS.replicationFactor,
          configEntries: this.options.configEntries,
        },
      ],
    });
  }
}
