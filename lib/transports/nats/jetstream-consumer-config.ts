import type { JetStreamManager, ConsumerConfig, ConsumerInfo, ConsumerUpdateConfig } from '@nats-io/jetstream';
import { NatsDefaults, type NatsSubscriberOptions } from './nats.options.js';
import { isConsumerNotFound } from './stream-provisioner.js';

const msToNanos = (ms: number): number => ms * 1_000_000;

export interface ConsumerTarget {
  readonly stream: string;
  readonly durable: string;
  readonly topic: string;
  readonly concurrency: number;
  /** Options as the user set them (subscriber over transport defaults); unset = not asked for. */
  readonly options: NatsSubscriberOptions;
}

/** The durable pull consumer a subscription asks for: explicit ack, filtered on its topic. */
export function desiredConsumerConfig(target: ConsumerTarget): Partial<ConsumerConfig> {
  const { options } = target;
  return {
    durable_name: target.durable,
    ack_policy: 'explicit' as ConsumerConfig['ack_policy'],
    deliver_policy: (options.deliverPolicy ?? 'all') as ConsumerConfig['deliver_policy'],
    filter_subject: target.topic,
    ack_wait: msToNanos(options.ackWaitMs ?? NatsDefaults.ackWaitMs),
    max_deliver: options.maxDeliver ?? NatsDefaults.maxDeliver,
    max_ack_pending: options.maxAckPending ?? Math.max(NatsDefaults.maxAckPending, target.concurrency),
  };
}

/**
 * Creates the consumer, or brings an existing one in line with what was explicitly asked for
 * (AckWait, MaxDeliver, MaxAckPending, which must hold at least `concurrency`). With
 * `bindConsumer` it only checks that the consumer exists.
 */
export async function ensureConsumer(jsm: JetStreamManager, target: ConsumerTarget): Promise<ConsumerInfo> {
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

function configChanges(current: ConsumerConfig, target: ConsumerTarget): Partial<ConsumerUpdateConfig> {
  const { options } = target;
  const update: Partial<ConsumerUpdateConfig> = {};
  if (options.ackWaitMs !== undefined && current.ack_wait !== msToNanos(options.ackWaitMs)) {
    update.ack_wait = msToNanos(options.ackWaitMs);
  }
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
