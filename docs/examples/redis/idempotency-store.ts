// idempotency.ts: three ways to get a RedisIdempotencyStore, then the module option that uses one
import { Redis } from 'ioredis';
import { NestreamModule } from 'nestream';
import { RedisIdempotencyStore, RedisTransport } from 'nestream/redis';

const redisTransport = new RedisTransport({ url: 'redis://127.0.0.1:6379' });
const existingIoredisClient = new Redis('redis://127.0.0.1:6379', { lazyConnect: true });

export const stores = [
  new RedisIdempotencyStore({ url: 'redis://127.0.0.1:6379', keyPrefix: 'orders:idem:' }), // own connection
  new RedisIdempotencyStore({ client: existingIoredisClient }),                            // yours
  redisTransport.idempotencyStore('orders:idem:'),                                          // the transport's
];

export const nestream = NestreamModule.forRoot({
  serviceName: 'orders',
  transports: { redis: redisTransport },
  idempotency: { enabled: true, store: stores[2] },
});
