import { ConfigurationError } from '../../core/errors.js';

/**
 * Options that only one client library understands. Both clients take unknown options without
 * a word (kafkajs ignores them, `@platformatic/kafka` validates only the names it knows), so a
 * kafkajs config moved to the default client unchanged would lose its TLS, retries or timeouts
 * silently: each is refused at construction instead, with what to write.
 */

/** kafkajs option path → `@platformatic/kafka`'s equivalent (undefined: it has none). */
const KAFKAJS_ONLY: Readonly<Record<string, string | undefined>> = {
  ssl: 'tls',
  'client.ssl': 'tls',
  'client.brokers': 'brokers',
  'client.clientId': 'clientId',
  'client.retry': 'client.retries and client.retryDelay',
  'client.connectionTimeout': 'client.connectTimeout',
  'client.authenticationTimeout': undefined,
  'client.reauthenticationThreshold': undefined,
  'client.enforceRequestTimeout': undefined,
  'client.logLevel': undefined,
  'client.logCreator': undefined,
  'client.socketFactory': undefined,
  'consumer.maxWaitTimeInMs': 'consumer.maxWaitTime',
  'consumer.partitionAssigners': undefined,
  'consumer.retry': 'client.retries and client.retryDelay',
  'consumer.allowAutoTopicCreation': 'client.autocreateTopics',
  'consumer.readUncommitted': 'consumer.isolationLevel',
  'consumer.maxInFlightRequests': undefined,
  'consumer.rackId': 'client.clientRack',
  'producer.idempotent': undefined,
  'producer.maxInFlightRequests': undefined,
  'producer.retry': 'client.retries and client.retryDelay',
  'producer.createPartitioner': 'producer.partitioner',
  'producer.allowAutoTopicCreation': 'client.autocreateTopics',
  'producer.transactionTimeout': undefined,
};

/** `@platformatic/kafka` option path → kafkajs' equivalent, for `library: 'kafkajs'`. */
const PLATFORMATIC_ONLY: Readonly<Record<string, string | undefined>> = {
  tls: 'ssl',
  'client.retries': 'client.retry.retries',
  'client.retryDelay': 'client.retry.initialRetryTime',
  'client.connectTimeout': 'client.connectionTimeout',
  'consumer.maxWaitTime': 'consumer.maxWaitTimeInMs',
  'consumer.isolationLevel': 'consumer.readUncommitted',
};

/** Throws a ConfigurationError for a bad `library`, or an option the chosen library does not know. */
export function checkLibraryOptions(options: object): void {
  const { library } = options as { library?: unknown };
  if (library !== undefined && library !== 'platformatic' && library !== 'kafkajs') {
    throw new ConfigurationError(`KafkaTransport: library must be 'platformatic' (the default) or 'kafkajs', not ${JSON.stringify(library)}`);
  }
  const onKafkajs = library === 'kafkajs';
  const foreign = onKafkajs ? PLATFORMATIC_ONLY : KAFKAJS_ONLY;
  for (const path of optionPaths(options)) {
    if (!(path in foreign)) continue;
    const equivalent = foreign[path];
    throw new ConfigurationError(
      onKafkajs
        ? `KafkaTransport: '${path}' is an option of @platformatic/kafka, and library is 'kafkajs': ` +
            (equivalent ? `kafkajs calls it '${equivalent}'` : 'kafkajs has none') +
            `, or leave library out to use @platformatic/kafka`
        : `KafkaTransport: '${path}' is a kafkajs option, and the client is @platformatic/kafka` +
            (library === undefined ? ' (the default)' : '') +
            `: set library: 'kafkajs' to keep kafkajs` +
            (equivalent ? `, or give '${equivalent}' (@platformatic/kafka's equivalent)` : ' (@platformatic/kafka has no equivalent)'),
    );
  }
}

/** The top-level names and those one level down in the passthrough objects, as `client.retry`. */
function optionPaths(options: object): string[] {
  const paths: string[] = [];
  for (const [name, value] of Object.entries(options)) {
    if (value === undefined) continue;
    paths.push(name);
    if ((name === 'client' || name === 'consumer' || name === 'producer') && value !== null && typeof value === 'object') {
      for (const [inner, innerValue] of Object.entries(value)) if (innerValue !== undefined) paths.push(`${name}.${inner}`);
    }
  }
  return paths;
}
