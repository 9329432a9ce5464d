import type { OutboundMessage } from '../../core/message.js';
import type { OutgoingRecord, TopicRecords } from './kafka.connection.js';
import { encodeHeaders } from './kafka.headers.js';
import type { KafkaPublishOptions } from './kafka.options.js';

interface Pending {
  readonly topic: string;
  readonly record: OutgoingRecord;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Collects publishes for up to `lingerMs` (or `batchSize` messages) and sends them in one
 * request, then settles each caller's promise with that request's outcome: a publish
 * resolves only once Kafka acknowledged the request that carried it.
 */
export class KafkaPublisher {
  private pending: Pending[] = [];
  private timer?: NodeJS.Timeout;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly send: (records: readonly TopicRecords[]) => Promise<void>,
    private readonly lingerMs: number,
    private readonly batchSize: number,
    private readonly describeFailure: (error: unknown) => Error,
  ) {}

  publish(message: OutboundMessage): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ topic: message.topic, record: toRecord(message), resolve, reject });
      if (this.pending.length >= this.batchSize) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.lingerMs);
    });
  }

  /** Sends what is waiting now and resolves once every request in flight has an answer. */
  async drain(): Promise<void> {
    this.flush();
    await Promise.allSettled([...this.inFlight]);
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    const request = this.send(groupByTopic(batch))
      .then(
        () => batch.forEach((p) => p.resolve()),
        (error: unknown) => {
          const failure = this.describeFailure(error);
          batch.forEach((p) => p.reject(failure));
        },
      )
      .finally(() => this.inFlight.delete(request));
    this.inFlight.add(request);
  }
}

function toRecord(message: OutboundMessage): OutgoingRecord {
  const options = (message.options ?? {}) as KafkaPublishOptions;
  const timestamp = options.timestamp instanceof Date ? options.timestamp.getTime() : options.timestamp;
  return {
    key: message.key ?? null,
    value: message.body,
    headers: encodeHeaders(message.headers),
    ...(options.partition !== undefined && { partition: options.partition }),
    ...(timestamp !== undefined && { timestamp: String(timestamp) }),
  };
}

function groupByTopic(batch: readonly Pending[]): TopicRecords[] {
  const byTopic = new Map<string, OutgoingRecord[]>();
  for (const { topic, record } of batch) {
    let records = byTopic.get(topic);
    if (!records) byTopic.set(topic, (records = []));
    records.push(record);
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}
