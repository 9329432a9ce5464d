import type { AsyncApiServer } from './asyncapi-document.js';
import type { AsyncApiServerOptions } from './asyncapi-options.js';
import type { DescribedTransport } from './app-description.js';

/** AsyncAPI protocol names (the spec's list) for nestream's transport kinds. */
const PROTOCOLS: Readonly<Record<string, string>> = {
  kafka: 'kafka',
  nats: 'nats',
  jetstream: 'nats',
  rabbitmq: 'amqp',
  'redis-streams': 'redis',
  'redis-pubsub': 'redis',
};

const KIND_TITLES: Readonly<Record<string, string>> = {
  kafka: 'Kafka',
  nats: 'core NATS',
  jetstream: 'NATS JetStream',
  rabbitmq: 'RabbitMQ',
  'redis-streams': 'Redis Streams',
  'redis-pubsub': 'Redis Pub/Sub',
  memory: 'in-memory (in-process, no broker)',
};

/** The AsyncAPI protocol of a transport kind; a kind the spec has no name for keeps its own. */
export function protocolOf(kind: string): string {
  return PROTOCOLS[kind] ?? kind;
}

/**
 * One server per named transport. nestream's transports do not expose their broker addresses
 * (they may carry credentials), so the host comes from the options, or stays a `{host}`
 * variable that says where to fill it in. The in-memory transport lives in the process.
 */
export function serverOf(transport: DescribedTransport, isDefault: boolean, given: AsyncApiServerOptions | undefined): AsyncApiServer {
  const kindTitle = KIND_TITLES[transport.kind] ?? transport.kind;
  const role = isDefault ? 'the default transport' : 'a named transport';
  const base = {
    protocol: protocolOf(transport.kind),
    title: transport.name,
    description: given?.description ?? `nestream transport \`${transport.name}\` (${role}): ${kindTitle}.`,
    'x-nestream-transport': { name: transport.name, kind: transport.kind, default: isDefault, capabilities: transport.capabilities },
  };
  if (given) return { host: given.host, ...(given.pathname ? { pathname: given.pathname } : {}), ...base };
  if (transport.kind === 'memory') return { host: 'in-process', ...base };
  return {
    host: '{host}',
    ...base,
    variables: {
      host: { description: `The ${kindTitle} address; give it as \`servers: { ${transport.name}: { host } }\` in the AsyncAPI options.` },
    },
  };
}
