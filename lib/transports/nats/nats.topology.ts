import type { ConsumerConfig, ConsumerInfo, ConsumerUpdateConfig, JetStreamManager, StreamConfig } from '@nats-io/jetstream';
import type { NestreamLogger } from '../../core/logger.js';
import { durableNameFor, subjectCovers } from './nats.names.js';
import {
  NATS_DEFAULTS,
  type NatsJetStreamSubscriberOptions,
  type NatsStreamDefinition,
  type ResolvedJetStreamOptions,
} from './nats.options.js';

export interface ResolvedStream {
  readonly name: string;
  /** True when the stream holds this topic alone, so consumer names need not repeat it. */
  readonly dedicated: boolean;
}

/** The durable pull consumer of one group on one topic. */
export interface ConsumerTarget {
  readonly stream: string;
  readonly durable: string;
  readonly topic: string;
  readonly concurrency: number;
  /** Options as the user set them (subscriber over transport defaults); unset = not asked for. */
  readonly options: NatsJetStreamSubscriberOptions;
}

/**
 * What JetStream mode declares on the server: the stream that stores a topic (found or
 * created) and the durable consumer of each group. Stream order: a configured stream whose
 * subjects cover the topic; an existing stream on the server that captures it; a new stream
 * for the topic alone. Answers are cached per topic until `forget(topic)`.
 */
export class JetStreamTopology {
  private readonly resolved = new Map<string, Promise<ResolvedStream>>();

  constructor(
    private readonly jsm: () => JetStreamManager,
    private readonly options: ResolvedJetStreamOptions,
    private readonly logger: NestreamLogger,
  ) {}

  streamFor(topic: string): Promise<ResolvedStream> {
    let stream = this.resolved.get(topic);
    if (!stream) {
      stream = this.resolve(topic);
      this.resolved.set(topic, stream);
      stream.catch(() => this.resolved.delete(topic));
    }
    return stream;
  }

  /** Whether the topic's stream was found or created (and not forgotten since). */
  knows(topic: string): boolean {
    return this.resolved.has(topic);
  }

  /** The stream was deleted under us: look again next time. */
  forget(topic: string): void {
    this.resolved.delete(topic);
  }

  get provisions(): boolean {
    return this.options.provisionStreams;
  }

  /** Stream and durable of a group's subscription (the same names whoever asks). */
  async consumerTarget(topic: string, group: string, concurrency: number, options: NatsJetStreamSubscriberOptions): Promise<ConsumerTarget> {
    const stream = options.stream ? { name: options.stream, dedicated: false } : await this.streamFor(topic);
    const durable = durableNameFor(topic, group, stream.dedicated, options.durableName);
    return { stream: stream.name, durable, topic, concurrency, options };
  }

  consumerInfo(target: ConsumerTarget): Promise<ConsumerInfo> {
    return this.jsm().consumers.info(target.stream, target.durable);
  }

  /**
   * Creates the consumer, or brings an existing one in line with what was explicitly asked for
   * (AckWait, MaxDeliver, MaxAckPending, which must hold at least `concurrency`). With
   * `bindConsumer` it only checks that the consumer exists.
   */
  async ensureConsumer(target: ConsumerTarget): Promise<ConsumerInfo> {
    const jsm = this.jsm();
    let existing: ConsumerInfo | undefined;
    try {
      existing = await jsm.consumers.info(target.stream, target.durable);
    } catch (error) {
      if (!isConsumerNotFound(error)) throw error;
      if (target.options.bindConsumer) {
        throw new Error(`JetStream consumer "${target.durable}" on stream "${target.stream}" does not exist (bindConsumer is set)`);
      }
    }
    if (!existing) return jsm.consumers.add(target.stream, desiredConsumerConfig(target));
    if (target.options.bindConsumer) return existing;
    const filter = existing.config.filter_subject;
    if (filter && filter !== target.topic) {
      throw new Error(
        `JetStream consumer "${target.durable}" on stream "${target.stream}" filters "${filter}", not "${target.topic}"; ` +
          `give this subscriber its own durableName`,
      );
    }
    const update = configChanges(existing.config, target);
    return Object.keys(update).length === 0 ? existing : jsm.consumers.update(target.stream, target.durable, update);
  }

  private async resolve(topic: string): Promise<ResolvedStream> {
    const configured = this.options.streams.find((s) => s.subjects.some((pattern) => subjectCovers(pattern, topic)));
    if (configured) {
      await this.ensureStream(configured);
      return { name: configured.name, dedicated: configured.subjects.length === 1 && configured.subjects[0] === topic };
    }
    const existing = await findStream(this.jsm(), topic);
    if (existing) return existing;
    if (!this.options.provisionStreams) {
      throw new Error(`No JetStream stream captures "${topic}" and provisionStreams is false: create one, or list it in jetstream.streams`);
    }
    const name = this.options.streamName(topic);
    await this.ensureStream({ ...this.options.streamDefaults, name, subjects: [topic] });
    return { name, dedicated: true };
  }

  private async ensureStream(definition: NatsStreamDefinition): Promise<void> {
    const jsm = this.jsm();
    try {
      await jsm.streams.info(definition.name);
      return;
    } catch (error) {
      if (!isStreamNotFound(error)) throw error;
    }
    if (!this.options.provisionStreams) throw new Error(`JetStream stream "${definition.name}" does not exist and provisionStreams is false`);
    try {
      await jsm.streams.add(toStreamConfig(definition));
      this.logger.log(`created JetStream stream ${definition.name} for ${definition.subjects.join(', ')}`);
    } catch (error) {
      // Another instance may have created it a moment ago; that is as good as ours.
      const exists = await jsm.streams.info(definition.name).then(() => true, () => false);
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

/** The stream on the server that captures `topic`, if any. */
export async function findStream(jsm: JetStreamManager, topic: string): Promise<ResolvedStream | undefined> {
  try {
    const name = await jsm.streams.find(topic);
    const subjects = (await jsm.streams.info(name)).config.subjects ?? [];
    return { name, dedicated: subjects.length === 1 && subjects[0] === topic };
  } catch (error) {
    if (isStreamNotFound(error)) return undefined;
    throw error;
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

/** The durable pull consumer a subscription asks for: explicit ack, filtered on its topic. */
function desiredConsumerConfig(target: ConsumerTarget): Partial<ConsumerConfig> {
  const { options } = target;
  return {
    durable_name: target.durable,
    ack_policy: 'explicit' as ConsumerConfig['ack_policy'],
    deliver_policy: (options.deliverPolicy ?? NATS_DEFAULTS.deliverPolicy) as ConsumerConfig['deliver_policy'],
    filter_subject: target.topic,
    ack_wait: msToNanos(options.ackWaitMs ?? NATS_DEFAULTS.ackWaitMs),
    max_deliver: options.maxDeliver ?? NATS_DEFAULTS.maxDeliver,
    max_ack_pending: options.maxAckPending ?? Math.max(NATS_DEFAULTS.maxAckPending, target.concurrency),
  };
}

function configChanges(current: ConsumerConfig, target: ConsumerTarget): Partial<ConsumerUpdateConfig> {
  const { options } = target;
  const update: Partial<ConsumerUpdateConfig> = {};
  if (options.ackWaitMs !== undefined && current.ack_wait !== msToNanos(options.ackWaitMs)) update.ack_wait = msToNanos(options.ackWaitMs);
  if (options.maxDeliver !== undefined && current.max_deliver !== options.maxDeliver) update.max_deliver = options.maxDeliver;
  // -1 / unset means unlimited, which already holds `concurrency`.
  const ackPending = current.max_ack_pending ?? -1;
  if (options.maxAckPending !== undefined) {
    if (ackPending !== options.maxAckPending) update.max_ack_pending = options.maxAckPending;
  } else if (ackPending > 0 && ackPending < target.concurrency) {
    update.max_ack_pending = target.concurrency;
  }
  return update;
}

function toStreamConfig(definition: NatsStreamDefinition): Partial<StreamConfig> & { name: string } {
  const config: Partial<StreamConfig> & { name: string } = { name: definition.name, subjects: definition.subjects };
  if (definition.retention) config.retention = definition.retention as StreamConfig['retention'];
  if (definition.storage) config.storage = definition.storage as StreamConfig['storage'];
  if (definition.replicas) config.num_replicas = definition.replicas;
  if (definition.maxAgeMs) config.max_age = msToNanos(definition.maxAgeMs);
  if (definition.maxMsgs) config.max_msgs = definition.maxMsgs;
  if (definition.maxBytes) config.max_bytes = definition.maxBytes;
  if (definition.duplicateWindowMs) config.duplicate_window = msToNanos(definition.duplicateWindowMs);
  return config;
}
