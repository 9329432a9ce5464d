import type { NestreamLogger } from '../../core/logger.js';
import type { RedisClientLike } from './redis.connection.js';

/** Redis's default proto-max-bulk-len: the largest single argument (the body) a command may carry. */
export const REDIS_DEFAULT_MAX_BULK_BYTES = 536_870_912;

/** The limit a publish is checked against, and how the refusal names it. */
export interface RedisBulkLimit {
  readonly bytes: number;
  readonly name: string;
}

/**
 * The server's own proto-max-bulk-len, asked once per connection: a server configured lower
 * than the default would refuse a big XADD only after it was sent, with a protocol error that
 * also drops the connection. Managed Redis (ElastiCache, Memorystore, ...) often refuses CONFIG;
 * then the default is the best guess, and a debug line says so.
 */
export async function readBulkLimit(client: RedisClientLike, logger: NestreamLogger): Promise<RedisBulkLimit> {
  try {
    const reply = await client.call('CONFIG', ['GET', 'proto-max-bulk-len']);
    // ['proto-max-bulk-len', '536870912'] (RESP2), or a map under RESP3.
    const bytes = Number(Array.isArray(reply) ? reply[1] : (reply as Record<string, unknown> | null)?.['proto-max-bulk-len']);
    if (Number.isSafeInteger(bytes) && bytes > 0) return { bytes, name: "the server's proto-max-bulk-len" };
    logger.debug(`CONFIG GET proto-max-bulk-len answered ${JSON.stringify(reply)}; checking publishes against the default (${REDIS_DEFAULT_MAX_BULK_BYTES} bytes)`);
  } catch (error) {
    logger.debug(`CONFIG GET proto-max-bulk-len refused (${(error as Error).message}); checking publishes against the default (${REDIS_DEFAULT_MAX_BULK_BYTES} bytes)`);
  }
  return { bytes: REDIS_DEFAULT_MAX_BULK_BYTES, name: "Redis's proto-max-bulk-len (its default)" };
}
