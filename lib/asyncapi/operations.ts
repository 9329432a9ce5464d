import type { HandlerBinding } from '../config/handler-binding.js';
import { ref, type AsyncApiOperation, type Reference } from './asyncapi-document.js';
import { receiveBindings } from './bindings.js';
import type { ChannelEntry } from './channel-map.js';
import type { Publication } from './app-description.js';

/** Summaries are plain text (descriptions are CommonMark). A subscriber: what it consumes, in which group, with which retry policy and dead letter. */
export function receiveOperation(binding: HandlerBinding, channel: ChannelEntry, deadLetter: ChannelEntry | undefined, messages: Reference[]): AsyncApiOperation {
  const bindings = receiveBindings(channel.kind, binding.group);
  const mode = binding.batch ? `in batches of up to ${binding.batch.maxSize}` : 'one message at a time';
  return {
    action: 'receive',
    channel: ref('channels', channel.id),
    title: binding.id,
    summary: `${binding.id} consumes ${binding.topic} on ${binding.transport} in group ${binding.group}, ${mode}.`,
    messages,
    ...(bindings ? { bindings } : {}),
    'x-nestream-group': binding.group,
    'x-nestream-handler': {
      id: binding.id,
      concurrency: binding.concurrency,
      ack: binding.ack,
      idempotent: binding.idempotent,
      batch: binding.batch,
      validated: binding.contract !== undefined,
    },
    'x-nestream-retry': binding.retry,
    'x-nestream-dead-letter': deadLetter
      ? { channel: deadLetter.id, topic: deadLetter.topic, transport: deadLetter.transport }
      : false,
  };
}

/** A typed publisher (`forFeature`) or a handler's `@Publisher` result. */
export function sendOperation(publication: Publication, channel: ChannelEntry, messages: Reference[]): AsyncApiOperation {
  const by = publication.handler
    ? `The result of ${publication.handler} (@Publisher)`
    : `The typed publisher of ${publication.topic} (NestreamModule.forFeature, injected with @InjectPublisher)`;
  const validated = publication.contract ? ', validated against its contract before it is sent' : '';
  return {
    action: 'send',
    channel: ref('channels', channel.id),
    title: publication.handler ? `${publication.handler} → ${publication.topic}` : `publish ${publication.topic}`,
    summary: `${by}, on ${publication.transport}${validated}.`,
    messages,
    'x-nestream-publisher': publication.handler ? { handler: publication.handler } : { typed: true },
  };
}

/** What the dead-letter step sends when a subscriber gives up on a message. */
export function deadLetterOperation(channel: ChannelEntry, messages: Reference[]): AsyncApiOperation {
  const handlers = channel.deadLetterOf.map((binding) => binding.id);
  return {
    action: 'send',
    channel: ref('channels', channel.id),
    title: `dead letters → ${channel.topic}`,
    summary: `Messages that ${handlers.join(', ')} could not handle: retries spent, or an error that is not retried.`,
    messages,
    'x-nestream-dead-letter-of': handlers,
  };
}
