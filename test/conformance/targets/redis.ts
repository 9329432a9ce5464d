import { Redis } from 'ioredis';
import { RedisTransport } from '../../../lib/transports/redis/index.js';
import { groupBacklog, streamKey } from '../../../lib/transports/redis/redis.topology.js';
import type { RedisClientLike } from '../../../lib/transports/redis/redis.connection.js';
import { endpoints, UNREACHABLE_PORT } from '../../brokers/endpoints.js';
import type { ConformanceTarget } from '../target.js';

// Short block and claim times keep redelivery and close fast under test.
const testTiming = { blockMs: 500, claimIdleMs: 2000 } as const;
const unreachableUrl = `redis://127.0.0.1:${UNREACHABLE_PORT}`;

/** The group's pending entries plus its lag, asked of Redis on a connection of its own. */
async function streamBacklog(topic: string, group: string): Promise<number> {
  const admin = new Redis(endpoints.redisUrl(), { lazyConnect: true, replyMapping: 'legacy' });
  try {
    await admin.connect();
    return await groupBacklog(admin as unknown as RedisClientLike, streamKey(topic), group);
  } finally {
    admin.disconnect();
  }
}

/** Reply channels subscribed on the server (PUBSUB CHANNELS): one per transport, never one per request. */
async function replyChannels(): Promise<number> {
  const admin = new Redis(endpoints.redisUrl(), { lazyConnect: true });
  try {
    await admin.connect();
    return ((await admin.call('PUBSUB', 'CHANNELS', '*.replies.*')) as string[]).length;
  } finally {
    admin.disconnect();
  }
}

const targets: ConformanceTarget[] = [
  {
    name: 'redis-streams',
    brokers: ['redis'],
    create: () => new RedisTransport({ url: endpoints.redisUrl(), mode: 'streams', ...testTiming }),
    createUnreachable: () => new RedisTransport({ url: unreachableUrl, mode: 'streams', redis: { connectTimeout: 1000, disconnectTimeout: 100 } }),
    unsettled: streamBacklog,
    replyResources: replyChannels,
  },
  {
    name: 'redis-pubsub',
    brokers: ['redis'],
    create: () => new RedisTransport({ url: endpoints.redisUrl(), mode: 'pubsub' }),
    // Nothing is stored: a 10,000-message burst waits in the subscriber's memory buffer.
    deliveryTimeoutMs: 15_000,
    replyResources: replyChannels,
    createUnreachable: () => new RedisTransport({ url: unreachableUrl, mode: 'pubsub', redis: { connectTimeout: 1000, disconnectTimeout: 100 } }),
    // No unsettled(): Pub/Sub keeps nothing for anyone (lossy), so there is nothing to ask.
  },
];

export default targets;
