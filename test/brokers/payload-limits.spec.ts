import { afterAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { Transport } from '../../lib/core/transport.js';
import { KafkaTransport } from '../../lib/transports/kafka/index.js';
import { NatsTransport } from '../../lib/transports/nats/index.js';
import { RabbitTransport } from '../../lib/transports/rabbitmq/index.js';
import { RedisTransport } from '../../lib/transports/redis/index.js';
import { endpoints } from './endpoints.js';

const opened: Transport[] = [];
afterAll(async () => {
  await Promise.allSettled(opened.map((t) => t.close()));
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

  it("Redis: proto-max-bulk-len (512 MiB by default), refused before it connects", async () => {
    const redis = new RedisTransport({ url: endpoints.redisUrl() });
    opened.push(redis);
    await expect(redis.publish({ topic: topic('big'), body: Buffer.allocUnsafe(536_870_913), headers: {} })).rejects.toThrow(/proto-max-bulk-len \(its default\) of 536870912 bytes/);
  });
});
