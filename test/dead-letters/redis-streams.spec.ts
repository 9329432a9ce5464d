import { RedisTransport } from '../../lib/transports/redis/index.js';
import { endpoints } from '../brokers/endpoints.js';
import { describeDeadLetterReplay } from './replay.scenario.js';

describeDeadLetterReplay({ broker: 'redis-streams', transport: () => new RedisTransport({ url: endpoints.redisUrl(), blockMs: 200 }) });
