import type { RedisArg, RedisClientLike } from './redis.connection.js';

interface QueuedCommand {
  readonly command: string;
  readonly args: RedisArg[];
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

/**
 * Commands issued in the same event-loop turn (e.g. many `publish()` calls) go to Redis as one
 * pipeline; each caller's promise settles with its own reply. A cluster pipeline needs every
 * key in one slot, so there each command is sent on its own (ioredis still writes them
 * back to back).
 */
export class PipelinedCommands {
  private queue: QueuedCommand[] = [];
  private scheduled = false;

  constructor(
    private readonly client: () => RedisClientLike,
    private readonly pipelining: boolean,
  ) {}

  /** Resolves (with nothing: no caller needs the reply) once Redis answered the command. */
  send(command: string, args: RedisArg[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ command, args, resolve, reject });
      if (this.scheduled) return;
      this.scheduled = true;
      setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.queue;
    this.queue = [];
    const client = this.client();
    if (!this.pipelining || batch.length === 1) {
      for (const item of batch) client.call(item.command, item.args).then(() => item.resolve(), item.reject);
      return;
    }
    const pipeline = client.pipeline();
    for (const item of batch) pipeline.call(item.command, item.args);
    pipeline.exec().then(
      (results) => {
        batch.forEach((item, i) => {
          const [error] = results?.[i] ?? [new Error('Redis pipeline returned no reply')];
          if (error) item.reject(error);
          else item.resolve();
        });
      },
      (error: Error) => batch.forEach((item) => item.reject(error)),
    );
  }
}

/**
 * XACKs for one stream and group, coalesced within an event-loop turn into one XACK with many
 * ids. An XACK that failed (Redis unreachable) rejects its callers, and is sent again when the
 * connection is back: the handler's work is done, so the entry should not be redelivered just
 * because its ack was cut off.
 */
export class AckBatcher {
  private readonly pending = new Map<string, { stream: string; group: string; ids: string[]; waiters: QueuedCommand[] }>();
  /** Ids whose XACK failed, by stream + group; bounded, as redelivery is the fallback anyway. */
  private readonly unsent = new Map<string, { stream: string; group: string; ids: Set<string> }>();
  private unsentCount = 0;
  private scheduled = false;

  constructor(
    private readonly client: () => RedisClientLike,
    private readonly maxUnsent = 10_000,
  ) {}

  ack(stream: string, group: string, id: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const batch = this.batch(this.pending, stream, group, () => ({ stream, group, ids: [] as string[], waiters: [] as QueuedCommand[] }));
      batch.ids.push(id);
      batch.waiters.push({ command: 'XACK', args: [], resolve: () => resolve(), reject });
      if (this.scheduled) return;
      this.scheduled = true;
      setImmediate(() => this.flush());
    });
  }

  /** Sends the XACKs that failed earlier; call when the connection is ready again. */
  resendFailed(): void {
    const failed = [...this.unsent.values()];
    this.unsent.clear();
    this.unsentCount = 0;
    for (const { stream, group, ids } of failed) {
      this.client()
        .call('XACK', [stream, group, ...ids])
        .catch(() => this.remember(stream, group, [...ids]));
    }
  }

  private flush(): void {
    this.scheduled = false;
    const client = this.client();
    for (const batch of this.pending.values()) {
      client.call('XACK', [batch.stream, batch.group, ...batch.ids]).then(
        () => batch.waiters.forEach((w) => w.resolve()),
        (error: Error) => {
          this.remember(batch.stream, batch.group, batch.ids);
          batch.waiters.forEach((w) => w.reject(error));
        },
      );
    }
    this.pending.clear();
  }

  private remember(stream: string, group: string, ids: string[]): void {
    const entry = this.batch(this.unsent, stream, group, () => ({ stream, group, ids: new Set<string>() }));
    for (const id of ids) {
      if (this.unsentCount >= this.maxUnsent) return;
      if (!entry.ids.has(id)) this.unsentCount++;
      entry.ids.add(id);
    }
  }

  private batch<T>(map: Map<string, T>, stream: string, group: string, create: () => T): T {
    const key = `${stream}\u0000${group}`;
    let batch = map.get(key);
    if (!batch) map.set(key, (batch = create()));
    return batch;
  }
}
