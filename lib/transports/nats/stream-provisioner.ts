import type { Logger } from '@nestjs/common';
import type { JetStreamManager, StreamConfig } from '@nats-io/jetstream';
import type { NatsJetStreamOptions, NatsStreamDefinition, NatsStreamSettings } from './nats.options.js';
import { subjectCovers, toJetStreamName } from './nats-names.js';

export interface ResolvedStream {
  readonly name: string;
  /** True when the stream holds this topic alone, so consumer names need not repeat it. */
  readonly dedicated: boolean;
}

/**
 * Finds the stream that stores a topic, creating it when allowed. Order: a configured stream
 * whose subjects cover the topic; an existing stream on the server that captures it; a new
 * stream for the topic alone. Answers are cached per topic until `forget(topic)`.
 */
export class StreamProvisioner {
  private readonly resolved = new Map<string, Promise<ResolvedStream>>();
  private readonly provision: boolean;

  constructor(
    private readonly jsm: () => JetStreamManager,
    private readonly options: NatsJetStreamOptions,
    private readonly logger: Logger,
  ) {
    this.provision = options.provisionStreams ?? true;
  }

  streamFor(topic: string): Promise<ResolvedStream> {
    let stream = this.resolved.get(topic);
    if (!stream) {
      stream = this.resolve(topic);
      this.resolved.set(topic, stream);
      stream.catch(() => this.resolved.delete(topic));
    }
    return stream;
  }

  /** The stream was deleted under us: look again next time. */
  forget(topic: string): void {
    this.resolved.delete(topic);
  }

  private async resolve(topic: string): Promise<ResolvedStream> {
    const configured = this.options.streams?.find((s) => s.subjects.some((pattern) => subjectCovers(pattern, topic)));
    if (configured) {
      await this.ensure(configured);
      return { name: configured.name, dedicated: configured.subjects.length === 1 && configured.subjects[0] === topic };
    }
    const existing = await this.findOnServer(topic);
    if (existing) return existing;
    if (!this.provision) {
      throw new Error(
        `No JetStream stream captures "${topic}" and provisionStreams is false: create one, or list it in jetstream.streams`,
      );
    }
    const name = this.options.streamName?.(topic) ?? toJetStreamName(topic);
    await this.ensure({ ...this.options.streamDefaults, name, subjects: [topic] });
    return { name, dedicated: true };
  }

  private async findOnServer(topic: string): Promise<ResolvedStream | undefined> {
    try {
      const name = await this.jsm().streams.find(topic);
      const info = await this.jsm().streams.info(name);
      const subjects = info.config.subjects ?? [];
      return { name, dedicated: subjects.length === 1 && subjects[0] === topic };
    } catch (error) {
      if (isStreamNotFound(error)) return undefined;
      throw error;
    }
  }

  private async ensure(definition: NatsStreamDefinition): Promise<void> {
    try {
      await this.jsm().streams.info(definition.name);
      return;
    } catch (error) {
      if (!isStreamNotFound(error)) throw error;
    }
    if (!this.provision) throw new Error(`JetStream stream "${definition.name}" does not exist and provisionStreams is false`);
    try {
      await this.jsm().streams.add(toStreamConfig(definition));
      this.logger.log(`created JetStream stream ${definition.name} for ${definition.subjects.join(', ')}`);
    } catch (error) {
      // Another instance may have created it a moment ago; that is as good as ours.
      const exists = await this.jsm().streams.info(definition.name).then(() => true, () => false);
      if (exists) return;
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(
        `Could not create JetStream stream "${definition.name}" for ${definition.subjects.join(', ')}: ${reason}. ` +
          `If another stream overlaps these subjects, declare one covering stream in jetstream.streams.`,
        { cause: error },
      );
    }
  }
}

export function isStreamNotFound(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return error.name === 'StreamNotFoundError' || /stream not found|no stream matches/i.test(error.message);
}

export function isConsumerNotFound(error: unknown): boolean {
  return error instanceof Error && (error.name === 'ConsumerNotFoundError' || /consumer not found/i.test(error.message));
}

const msToNanos = (ms: number): number => ms * 1_000_000;

function toStreamConfig(definition: NatsStreamDefinition): Partial<StreamConfig> & { name: string } {
  const settings: NatsStreamSettings = definition;
  const config: Partial<StreamConfig> & { name: string } = { name: definition.name, subjects: definition.subjects };
  if (settings.retention) config.retention = settings.retention as StreamConfig['retention'];
  if (settings.storage) config.storage = settings.storage as StreamConfig['storage'];
  if (settings.replicas) config.num_replicas = settings.replicas;
  if (settings.maxAgeMs) config.max_age = msToNanos(settings.maxAgeMs);
  if (settings.maxMsgs) config.max_msgs = settings.maxMsgs;
  if (settings.maxBytes) config.max_bytes = settings.maxBytes;
  if (settings.duplicateWindowMs) config.duplicate_window = msToNanos(settings.duplicateWindowMs);
  return config;
}
