// What one `npm run bench` does: sizes per mode, which implementations run where, and the
// order of runs (rotated per repetition, so machine drift hits every implementation alike).

/** `kafka` is KafkaTransport on kafkajs (`library: 'kafkajs'`), `kafka-platformatic` on @platformatic/kafka (its default client). */
export const BROKERS = ['memory', 'nats', 'jetstream', 'rabbitmq', 'redis-streams', 'redis-pubsub', 'kafka', 'kafka-platformatic'];
/** Where @nestjs/microservices has a transport (its Kafka one is kafkajs: compared on the kafka row). */
export const NEST_BROKERS = new Set(['nats', 'rabbitmq', 'redis-pubsub', 'kafka']);
/** Where FastStream has one (its Kafka one is aiokafka: compared on the kafka row). */
export const FASTSTREAM_BROKERS = new Set(['nats', 'jetstream', 'rabbitmq', 'redis-streams', 'redis-pubsub', 'kafka']);
/** Brokers that may redeliver on their own (at-least-once); elsewhere a duplicate fails the run. */
export const AT_LEAST_ONCE = new Set(['jetstream', 'redis-streams', 'kafka', 'kafka-platformatic']);
/** What test/brokers/up must start for each. */
export const SERVER_OF = { memory: null, nats: 'nats', jetstream: 'nats', rabbitmq: 'rabbitmq', 'redis-streams': 'redis', 'redis-pubsub': 'redis', kafka: 'kafka', 'kafka-platformatic': 'kafka' };
/** Every implementation, in table order; `nest-validation` is shown as nest+validation. */
export const IMPLEMENTATIONS = ['nestream', 'raw', 'nest', 'nest-validation', 'faststream'];

export const SIZES = {
  full: { n: 50_000, warmup: 5_000, reps: 3, rate: 5_000, seconds: 5, latencyWarmup: 2_000, memoryN: 500_000 },
  quick: { n: 2_000, warmup: 500, reps: 1, rate: 2_000, seconds: 1, latencyWarmup: 200, memoryN: 50_000 },
};

/** Consumer deliveries in flight (concurrency, prefetch, fetch size): the same for all three. */
export const CONCURRENCY = 100;

/** The peers that exist only on some brokers; nestream and raw run everywhere. */
const PEER_BROKERS = { nest: NEST_BROKERS, 'nest-validation': NEST_BROKERS, faststream: FASTSTREAM_BROKERS };

export function implementations(broker) {
  return IMPLEMENTATIONS.filter((impl) => !PEER_BROKERS[impl] || PEER_BROKERS[impl].has(broker));
}

/** Repetition r runs the implementations rotated by r: nestream, raw, nest / raw, nest, nestream / ... */
export function rotated(list, r) {
  return list.map((_, i) => list[(i + r) % list.length]);
}
