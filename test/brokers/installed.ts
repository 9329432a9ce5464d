import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where `test/brokers/up` installed the broker programs the fault tests' private brokers run:
 * the versions it selected last, linked as `.cache/<name>/current` (it knows the versions;
 * NESTREAM_KAFKA_VERSION / NESTREAM_NATS_VERSION choose them).
 */
const CACHE = resolve(dirname(fileURLToPath(import.meta.url)), '../../.cache');

/** The Kafka jars (a classpath directory); `.complete` in it once fully downloaded. */
export const kafkaLibs = join(CACHE, 'kafka/current/libs');

/** The nats-server built by `up`, or the one on PATH when `up nats` has not run here. */
export function natsServerCommand(): string {
  const built = join(CACHE, 'nats/current/bin/nats-server');
  return existsSync(built) ? built : 'nats-server';
}
