import { afterAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { Transport } from '../../lib/core/transport.js';
import { KafkaTransport } from '../../lib/transports/kafka/index.js';
import { NatsTransport } from '../../lib/transports/nats/index.js';
import { RabbitTransport } from '../../lib/transports/rabbitmq/index.js';
import { RedisTransport } from '../../lib/transports/redis/index.js';
import { endpoints } from './endpoints.js';
import { PrivateRedisServer } from './redis-private-server.js';

const opened: Transport[] = [];
const servers: PrivateRedisServer[] = [];
afterAll(async () => {
  await Promise.allSettled(opened.map((t) => t.close()));
  await Promise.allSettled(servers.map((s) => s.stop()));
});

const topic = (name: string): string => `limits.${randomUUID().slice(0, 8)}.${name}`;

describe('a publish over the broker maximum is refused before sending, naming the limit', () => {
  it('NATS: the server info max_payload', async () => {
    const nats = new NatsTransport({ servers: endpoints.natsUrl() });
    opened.push(nats);
    await nats.connect();
    const max = (nats.unwrap() as { info?: { max_payload: number } }).info!.max_payload;
    const error = await nats.publish({ topic: topic('big'), body: Buffer.alloc(max + 1), headers: {} }).catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain(`max_payload of ${max} bytes`);
    await expect(nats.publish({ topic: topic('small'), body: Buffer.alloc(100), headers: {} })).resolves.toBeUndefined();
  });

  it("Kafka: message.max.bytes (the broker's default, or the topics' own)", async () => {
    const kafka = new KafkaTransport({ brokers: endpoints.kafkaBrokers(), clientId: 'nestream-limits', topics: { configEntries: [{ name: 'max.message.bytes', value: '20000' }] } });
    opened.push(kafka);
    const error = await kafka.publish({ topic: topic('big'), body: Buffer.alloc(20_001), headers: {} }).catch((e: unknown) => e as Error);
    expect((error as Error).message).toMatch(/message\.max\.bytes of 20000 bytes; it was not sent/);
    const defaults = new KafkaTransport({ brokers: endpoints.kafkaBrokers(), clientId: 'nestream-limits' });
    opened.push(defaults);
    await expect(defaults.publish({ topic: topic('big2'), body: Buffer.alloc(2 * 1024 * 1024), headers: {} })).rejects.toThrow(/message\.max\.bytes of 1048588 bytes/);
  });

  it("RabbitMQ: max_message_size (128 MiB by default), refused before it connects", async () => {
    const rabbit = new RabbitTransport({ url: endpoints.amqpUrl() });
    opened.push(rabbit);
    await expect(rabbit.publish({ topic: topic('big'), body: Buffer.allocUnsafe(134_217_729), headers: {} })).rejects.toThrow(/max_message_size \(its default\) of 134217728 bytes/);
  });

  it('RabbitMQ: maxMessageBytes matches a server configured lower (AMQP does not announce the limit)', async () => {
    const rabbit = new RabbitTransport({ url: endpoints.amqpUrl(), maxMessageBytes: 1000 });
    opened.push(rabbit);
    await expect(rabbit.publish({ topic: topic('big'), body: Buffer.alloc(1001), headers: {} })).rejects.toThrow(/the server's max_message_size \(maxMessageBytes\) of 1000 bytes; it was not sent/);
    await expect(rabbit.publish({ topic: topic('small'), body: Buffer.alloc(100), headers: {} })).resolves.toBeUndefined();
    expect(() => new RabbitTransport({ url: endpoints.amqpUrl(), maxMessageBytes: 0 })).toThrow(/maxMessageBytes must be a positive whole number of bytes/);
  });

  it("Redis: the server's proto-max-bulk-len, read with CONFIG GET at connect", async () => {
    const server = await PrivateRedisServer.start(['--proto-max-bulk-len', '1mb']);
    servers.push(server);
    const redis = new RedisTransport({ url: server.url });
    opened.push(redis);
    await expect(redis.publish({ topic: topic('big'), body: Buffer.alloc(1_048_577), headers: {} })).rejects.toThrow(/over the server's proto-max-bulk-len of 1048576 bytes; it was not sent/);
    await expect(redis.publish({ topic: topic('small'), body: Buffer.alloc(1000), headers: {} })).resolves.toBeUndefined();
  });

  it('Redis: where CONFIG is refused (as on managed Redis), its default of 512 MiB', async () => {
    const server = await PrivateRedisServer.start(['--rename-command', 'CONFIG', '']);
    servers.push(server);
    const redis = new RedisTransport({ url: server.url });
    opened.push(redis);
    await expect(redis.publish({ topic: topic('big'), body: Buffer.allocUnsafe(536_870_913), headers: {} })).rejects.toThrow(/proto-max-bulk-len \(its default\) of 536870912 bytes/);
  });
});
