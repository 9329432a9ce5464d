import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { redactOptions, redactSecrets, redactUrl, type Transport } from '../../lib/index.js';
import { KafkaTransport } from '../../lib/transports/kafka/index.js';
import { NatsTransport } from '../../lib/transports/nats/index.js';
import { RabbitTransport } from '../../lib/transports/rabbitmq/index.js';
import { RedisTransport } from '../../lib/transports/redis/index.js';

/** Nothing listens on port 1 of loopback: every connect is refused at once, no broker needed. */
const HOST = '127.0.0.1:1';
const SECRET = 's3cr3t-Pa55';

describe('redaction', () => {
  // The transports' own warnings about the refused connections are expected here.
  beforeAll(() => Logger.overrideLogger(false));

  it('masks the password of a broker URL and keeps the rest', () => {
    expect(redactUrl(`amqp://app:${SECRET}@rabbit.internal:5672/vhost?heartbeat=10`)).toBe('amqp://app:***@rabbit.internal:5672/vhost?heartbeat=10');
    expect(redactUrl(`redis://:${SECRET}@cache:6379/0`)).toBe('redis://:***@cache:6379/0');
    expect(redactUrl('nats://nats.internal:4222')).toBe('nats://nats.internal:4222');
  });

  it('masks passwords and tokens inside free text', () => {
    const text = redactSecrets(`failed on nats://app:${SECRET}@a:4222, nats://b:4222 with {"password":"${SECRET}", token=${SECRET}}`);
    expect(text).not.toContain(SECRET);
    expect(text).toContain('nats://app:***@a:4222');
    expect(text).toContain('nats://b:4222');
  });

  it('masks secret fields and URL passwords in option objects, deeply, leaving the input alone', () => {
    const options = { url: `amqp://u:${SECRET}@h:5672`, sasl: { mechanism: 'plain', username: 'u', password: SECRET }, ssl: { key: Buffer.from('k') }, retries: 3 };
    const safe = redactOptions(options);
    expect(JSON.stringify(safe)).not.toContain(SECRET);
    expect(safe).toMatchObject({ url: 'amqp://u:***@h:5672', sasl: { mechanism: 'plain', username: 'u', password: '***' }, ssl: { key: '***' }, retries: 3 });
    expect(options.sasl.password).toBe(SECRET);
  });

  const unreachable: [string, () => Transport][] = [
    ['RabbitMQ', () => new RabbitTransport({ url: `amqp://app:${SECRET}@${HOST}`, initialConnectAttempts: 1, connectTimeoutMs: 2_000 })],
    ['Redis', () => new RedisTransport({ url: `redis://app:${SECRET}@${HOST}`, mode: 'streams', redis: { connectTimeout: 1000 } })],
    ['NATS', () => new NatsTransport({ servers: `nats://app:${SECRET}@${HOST}`, connection: { reconnect: false, timeout: 1000 } })],
    [
      'Kafka (kafkajs)',
      () =>
        new KafkaTransport({
          library: 'kafkajs',
          brokers: [HOST],
          sasl: { mechanism: 'plain', username: 'app', password: SECRET },
          client: { connectionTimeout: 500, retry: { retries: 1, initialRetryTime: 50, maxRetryTime: 100 } },
        }),
    ],
    [
      'Kafka (@platformatic/kafka)',
      () =>
        new KafkaTransport({
          brokers: [HOST],
          sasl: { mechanism: 'PLAIN', username: 'app', password: SECRET },
          client: { connectTimeout: 500, retries: 1, retryDelay: 50 },
        }),
    ],
  ];

  for (const [name, create] of unreachable) {
    it(`${name}: an unreachable broker fails with an error naming the host, never the password`, async () => {
      const transport = create();
      try {
        const error = await transport.connect().then(
          () => undefined,
          (e: Error) => e,
        );
        expect(error).toBeInstanceOf(Error);
        expect(error!.message).toContain('127.0.0.1');
        expect(`${error!.message} ${error!.stack} ${String(error!.cause)}`).not.toContain(SECRET);
        expect(JSON.stringify(transport.health())).not.toContain(SECRET);
      } finally {
        await transport.close();
      }
    }, 30_000);
  }
});
