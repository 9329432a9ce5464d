import redisTargets from '../../conformance/targets/redis.js';
import type { Transport } from '../../../lib/index.js';

/** Redis Streams as the conformance suite configures it (the shared broker on 6379). */
export function redisStreams(): Transport {
  return redisTargets.find((t) => t.name === 'redis-streams')!.create();
}
