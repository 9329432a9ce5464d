import type { Message, Producer, TopicMessages } from 'kafkajs';

interface Pending {
  readonly topic: string;
  readonly message: Message;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Collects publishes for up to `lingerMs` (or `batchSize` messages) and sends them in one
 * `sendBatch`, then settles each caller's promise with that request's outcome: a publish
 * resolves only once Kafka acknowledged the request that carried it.
 */
export class LingerProducer {
  private pending: Pending[] = [];
  private timer?: NodeJS.Timeout;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly producer: Producer,
    private readonly lingerMs: number,
    private readonly batchSize: number,
    private readonly describeFailure: (error: unknown) => Error,
  ) {}

  send(topic: string, message: Message): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ topic, message, resolve, reject });
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
    const request = this.producer
      .sendBatch({ topicMessages: groupByTopic(batch), acks: -1 })
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

function groupByTopic(batch: readonly Pending[]): TopicMessages[] {
  const byTopic = new Map<string, Message[]>();
  for (const { topic, message } of batch) {
    let messages = byTopic.get(topic);
    if (!messages) byTopic.set(topic, (messages = []));
    messages.push(message);
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}
