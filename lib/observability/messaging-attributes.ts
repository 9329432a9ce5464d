/**
 * Attribute names of the OpenTelemetry messaging semantic conventions (written out, so the
 * library needs no semantic-conventions package).
 */
export const MessagingAttributes = {
  system: 'messaging.system',
  destination: 'messaging.destination.name',
  operationType: 'messaging.operation.type',
  operationName: 'messaging.operation.name',
  messageId: 'messaging.message.id',
  conversationId: 'messaging.message.conversation_id',
  consumerGroup: 'messaging.consumer.group.name',
  bodySize: 'messaging.message.body.size',
} as const;

/** `messaging.system` of a transport kind: semconv names the broker, not nestream's mode of it. */
export function messagingSystem(kind: string): string {
  if (kind === 'jetstream') return 'nats';
  if (kind.startsWith('redis')) return 'redis';
  return kind;
}
