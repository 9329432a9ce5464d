import type { Bindings } from './asyncapi-document.js';
import { protocolOf } from './servers.js';

/**
 * Protocol bindings of the AsyncAPI bindings specs, for what nestream knows at bootstrap: the
 * topic, and the group a subscriber consumes in. Broker details a transport keeps to itself
 * (exchange names, partitions) are left out rather than guessed.
 */
const KAFKA = '0.5.0';
const AMQP = '0.3.0';
const NATS = '0.1.0';

export function channelBindings(kind: string, topic: string): Bindings | undefined {
  switch (protocolOf(kind)) {
    case 'kafka':
      return { kafka: { topic, bindingVersion: KAFKA } };
    case 'amqp':
      // Publishes go to the transport's durable topic exchange with the topic as routing key.
      return { amqp: { is: 'routingKey', exchange: { type: 'topic', durable: true }, bindingVersion: AMQP } };
    case 'redis':
      // The Redis bindings are reserved by the spec, with no fields yet.
      return { redis: {} };
    default:
      return undefined;
  }
}

/** How a subscriber consumes: its consumer group, queue group (core NATS) or durable consumer (JetStream). */
export function receiveBindings(kind: string, group: string): Bindings | undefined {
  switch (protocolOf(kind)) {
    case 'kafka':
      return { kafka: { groupId: { type: 'string', enum: [group] }, bindingVersion: KAFKA } };
    case 'nats':
      return { nats: { queue: group, bindingVersion: NATS } };
    default:
      return undefined;
  }
}

/** Kafka messages carry the publish `key` as the record key (it picks the partition). */
export function messageBindings(kinds: Iterable<string>): Bindings | undefined {
  for (const kind of kinds) {
    if (protocolOf(kind) === 'kafka') {
      return { kafka: { key: { type: 'string', description: 'PublishOptions.key: the partition key; messages with one key keep their order.' }, bindingVersion: KAFKA } };
    }
  }
  return undefined;
}
