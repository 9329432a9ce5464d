// What one `npm run bench` does: sizes per mode, which implementations run where, and the
// order of runs (rotated per repetition, so machine drift hits every implementation alike).

export const BROKERS = ['memory', 'nats', 'jetstream', 'rabbitmq', 'redis-streams', 'redis-pubsub', 'kafka'];
export const NEST_BROKERS = new Set(['nats', 'rabbitmq', 'redis-pubsub', 'kafka']);
/** Brokers that may redeliver on their own (at-least-once); elsewhere a duplicate fails the run. */
export const AT_LEAST_ONCE = new Set(['jetstream', 'redis-streams', 'kafka']);
/** What test/brokers/up must start for each. */
export const SERVER_OF = { memory: null, nats: 'nats', jetstream: 'nats', rabbitmq: 'rabbitmq', 'redis-streams': 'redis', 'redis-pubsub': 'redis', kafka: 'kafka' };

export const SIZES = {
  full: { n: 50_000, warmup: 5_000, reps: 3, rate: 5_000, seconds: 5, latencyWarmup: 2_000, memoryN: 500_000 },
  quick: { n: 2_000, warmup: 500, reps: 1, rate: 2_000, seconds: 1, latencyWarmup: 200, memoryN: 50_000 },
};

/** Consumer deliveries in flight (concurrency, prefetch, fetch size): the same for all three. */
export const CONCURRENCY = 100;

export function implementations(broker) {
  return NEST_BROKERS.has(broker) ? ['nestream', 'raw', 'nest'] : ['nestream', 'raw'];
}

/** Repetition r runs the implementations rotated by r: nestream, raw, nest / raw, nest, nestream / ... */
export function rotated(list, r) {
  return list.map((_, i) => list[(i + r) % list.length]);
}
