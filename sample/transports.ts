import { MemoryTransport, type Transport } from '../lib/index.js';

/**
 * The sample's two transports: `main` carries user events, `events` carries onboarding
 * events (the bridge of the multiple-brokers pattern). In-memory unless a broker is named in
 * the environment; broker clients are imported only when used.
 */
export async function sampleTransports(): Promise<{ main: Transport; events: Transport }> {
  return { main: await mainTransport(), events: await eventsTransport() };
}

async function mainTransport(): Promise<Transport> {
  if (process.env.KAFKA_BROKERS) {
    const { KafkaTransport } = await import('../lib/transports/kafka/index.js');
    return new KafkaTransport({ brokers: process.env.KAFKA_BROKERS.split(','), clientId: 'nestream-sample' });
  }
  if (process.env.AMQP_URL) {
    const { RabbitTransport } = await import('../lib/transports/rabbitmq/index.js');
    return new RabbitTransport({ url: process.env.AMQP_URL });
  }
  if (process.env.REDIS_URL) {
    const { RedisTransport } = await import('../lib/transports/redis/index.js');
    return new RedisTransport({ url: process.env.REDIS_URL, mode: 'streams' });
  }
  return new MemoryTransport();
}

async function eventsTransport(): Promise<Transport> {
  if (process.env.NATS_URL) {
    const { NatsTransport } = await import('../lib/transports/nats/index.js');
    return new NatsTransport({ servers: process.env.NATS_URL, jetstream: true });
  }
  return new MemoryTransport();
}
