import { RedisTransport } from '../../../lib/transports/redis/index.js';
import { endpoints, UNREACHABLE_PORT } from '../../brokers/endpoints.js';
import type { ConformanceTarget } from '../target.js';

// Short block and claim times keep redelivery and close fast under test.
const testTiming = { blockMs: 500, claimIdleMs: 2000 } as const;
const unreachableUrl = `redis://127.0.0.1:${UNREACHABLE_PORT}`;

const targets: ConformanceTarget[] = [
  {
    name: 'redis-streams',
    brokers: ['redis'],
    create: () => new RedisTransport({ url: endpoints.redisUrl(), mode: 'streams', ...testTiming }),
    createUnreachable: () => new RedisTransport({ url: unreachableUrl, mode: 'streams', redis: { connectTimeout: 1000, disconnectTimeout: 100 } }),
  },
  {
    name: 'redis-pubsub',
    brokers: ['redis'],
    create: () => new RedisTransport({ url: endpoints.redisUrl(), mode: 'pubsub' }),
    // Nothing is stored: a 10,000-message burst waits in the subscriber's memory buffer.
    deliveryTimeoutMs: 15_000,
    createUnreachable: () => new RedisTransport({ url: unreachableUrl, mode: 'pubsub', redis: { connectTimeout: 1000, disconnectTimeout: 100 } }),
  },
];

export default targets;
