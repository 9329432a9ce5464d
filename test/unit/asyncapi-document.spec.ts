import 'reflect-metadata';
import { Controller, Module } from '@nestjs/common';
import { Parser } from '@asyncapi/parser';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsEmail, IsEnum, IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Length, Matches, Max, Min, ValidateNested } from 'class-validator';
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { EventContract, NestreamAsyncApi, NestreamModule, Publisher, Subscriber, type AsyncApiDocument } from '../../lib/index.js';
import { KafkaTransport } from '../../lib/transports/kafka/index.js';
import { NatsTransport } from '../../lib/transports/nats/index.js';
import { RabbitTransport } from '../../lib/transports/rabbitmq/index.js';
import { RedisTransport } from '../../lib/transports/redis/index.js';

enum Currency {
  EUR = 'EUR',
  USD = 'USD',
}

class Address {
  @IsString() @Length(1, 80) street!: string;
  @IsString() @Matches(/^[0-9]{5}$/) zip!: string;
}

@EventContract('orders.placed', { version: 'v2', description: 'An order was **placed**.' })
class OrderPlaced {
  @IsUUID() orderId!: string;
  @IsInt() @Min(1) @Max(100) quantity!: number;
  @IsEnum(Currency) currency!: Currency;
  @IsIn(['web', 'app']) channel!: string;
  @IsEmail() email!: string;
  @IsISO8601() placedAt!: string;
  @ValidateNested() @Type(() => Address) shipTo!: Address;
  @IsString({ each: true }) @ArrayMaxSize(3) tags!: string[];
  @IsOptional() @IsString() note?: string;
}

@EventContract('invoices.issued', { version: 'v1' })
class InvoiceIssued {
  @IsUUID() orderId!: string;
}

@EventContract('payments.settled')
class PaymentSettled {
  @IsUUID() orderId!: string;
}

@Controller()
class BillingHandlers {
  @Subscriber(OrderPlaced, { transport: 'kafka', group: 'billing', retry: { attempts: 5, backoff: { initialMs: 200 } } })
  @Publisher(InvoiceIssued, { transport: 'rabbit' })
  onOrderPlaced() {
    return undefined;
  }

  @Subscriber('audit.log', { transport: 'nats', group: 'auditors', retry: false, deadLetter: false })
  onAudit() {}

  @Subscriber(InvoiceIssued, { transport: 'rabbit', group: 'ledger', batch: { maxSize: 20 } })
  onInvoices() {}

  @Subscriber(PaymentSettled, { transport: 'redis', group: 'payments', deadLetter: { topic: 'payments.failed', transport: 'kafka' } })
  onPayment() {}
}

/** A port that counts who connects: the transports' addresses point here, and nothing may connect. */
async function countingServer(): Promise<{ server: Server; port: number; connections: () => number }> {
  let connections = 0;
  const server = createServer((socket) => {
    connections++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as { port: number }).port, connections: () => connections };
}

describe('AsyncAPI document', () => {
  let broker: Awaited<ReturnType<typeof countingServer>>;
  let doc: AsyncApiDocument;

  beforeAll(async () => {
    broker = await countingServer();
    const at = `127.0.0.1:${broker.port}`;
    @Module({
      imports: [
        NestreamModule.forRoot({
          serviceName: 'billing',
          transports: {
            kafka: new KafkaTransport({ brokers: [at] }),
            nats: new NatsTransport({ servers: at, jetstream: true }),
            rabbit: new RabbitTransport({ url: `amqp://${at}` }),
            redis: new RedisTransport({ url: `redis://${at}` }),
          },
        }),
        NestreamModule.forFeature([OrderPlaced, { contract: PaymentSettled, transport: 'redis' }]),
      ],
      controllers: [BillingHandlers],
    })
    class BillingModule {}
    doc = await NestreamAsyncApi.fromModule(BillingModule, { servers: { kafka: { host: 'kafka-1.internal:9092' } } });
  });

  afterAll(() => new Promise<void>((resolve) => broker.server.close(() => resolve())));

  it('is built from the module without connecting to any broker', () => {
    expect(doc.asyncapi).toBe('3.0.0');
    expect(doc.info).toMatchObject({ title: 'billing', version: '1.0.0' });
    expect(broker.connections()).toBe(0);
  });

  it('passes the AsyncAPI parser with no errors or warnings', async () => {
    const { document, diagnostics } = await new Parser().parse(JSON.stringify(doc));
    expect(diagnostics.filter((d) => d.severity <= 1).map((d) => `${d.code}: ${d.message} at ${d.path.join('.')}`)).toEqual([]);
    expect(document).toBeDefined();
  });

  it('has a server per transport, by protocol; a host the transport does not expose is a variable to fill in', () => {
    expect(Object.fromEntries(Object.entries(doc.servers).map(([name, s]) => [name, [s.protocol, s.host]]))).toEqual({
      kafka: ['kafka', 'kafka-1.internal:9092'],
      nats: ['nats', '{host}'],
      rabbit: ['amqp', '{host}'],
      redis: ['redis', '{host}'],
    });
    expect(doc.servers.nats!['x-nestream-transport']).toMatchObject({ kind: 'jetstream', default: false });
    expect(doc.servers.kafka!['x-nestream-transport']).toMatchObject({ kind: 'kafka', default: true, capabilities: { consumerGroups: true } });
    expect(doc.servers.rabbit!.variables!.host!.description).toContain('servers: { rabbit: { host } }');
  });

  it('has a channel per topic per transport, on its server, with the protocol bindings', () => {
    expect(Object.keys(doc.channels)).toEqual([
      'kafka.orders.placed',
      'kafka.orders.placed.dlq',
      'nats.audit.log',
      'rabbit.invoices.issued',
      'rabbit.invoices.issued.dlq',
      'redis.payments.settled',
      'kafka.payments.failed',
    ]);
    expect(doc.channels['kafka.orders.placed']).toMatchObject({
      address: 'orders.placed',
      description: 'An order was **placed**.',
      servers: [{ $ref: '#/servers/kafka' }],
      messages: { OrderPlaced: { $ref: '#/components/messages/OrderPlaced' } },
      bindings: { kafka: { topic: 'orders.placed', bindingVersion: '0.5.0' } },
    });
    expect(doc.channels['rabbit.invoices.issued']!.bindings).toEqual({ amqp: { is: 'routingKey', exchange: { type: 'topic', durable: true }, bindingVersion: '0.3.0' } });
    expect(doc.channels['redis.payments.settled']!.bindings).toEqual({ redis: {} });
    expect(doc.channels['nats.audit.log']!.messages).toEqual({ 'audit.log': { $ref: '#/components/messages/audit.log' } });
  });

  it('has a receive operation per subscriber, with its group, retry policy and dead letter', () => {
    expect(doc.operations['BillingHandlers.onOrderPlaced']).toMatchObject({
      action: 'receive',
      channel: { $ref: '#/channels/kafka.orders.placed' },
      messages: [{ $ref: '#/channels/kafka.orders.placed/messages/OrderPlaced' }],
      bindings: { kafka: { groupId: { type: 'string', enum: ['billing'] }, bindingVersion: '0.5.0' } },
      'x-nestream-group': 'billing',
      'x-nestream-retry': { attempts: 5, backoff: { initialMs: 200, factor: 2, maxMs: 30_000, jitter: 0.1 }, mode: 'auto' },
      'x-nestream-dead-letter': { channel: 'kafka.orders.placed.dlq', topic: 'orders.placed.dlq', transport: 'kafka' },
    });
    expect(doc.operations['BillingHandlers.onAudit']).toMatchObject({
      bindings: { nats: { queue: 'auditors', bindingVersion: '0.1.0' } },
      'x-nestream-retry': false,
      'x-nestream-dead-letter': false,
    });
    expect(doc.operations['BillingHandlers.onInvoices']!['x-nestream-handler']).toMatchObject({ batch: { maxSize: 20, maxWaitMs: 50 }, concurrency: 1 });
    // A dead letter named on another transport.
    expect(doc.operations['BillingHandlers.onPayment']!['x-nestream-dead-letter']).toEqual({ channel: 'kafka.payments.failed', topic: 'payments.failed', transport: 'kafka' });
  });

  it('has a send operation per typed publisher, @Publisher result and dead-letter route', () => {
    const sends = Object.entries(doc.operations).filter(([, op]) => op.action === 'send');
    expect(Object.fromEntries(sends.map(([id, op]) => [id, op.channel.$ref]))).toEqual({
      'publish.kafka.orders.placed': '#/channels/kafka.orders.placed',
      'publish.redis.payments.settled': '#/channels/redis.payments.settled',
      'BillingHandlers.onOrderPlaced.result': '#/channels/rabbit.invoices.issued',
      'deadLetter.kafka.orders.placed.dlq': '#/channels/kafka.orders.placed.dlq',
      'deadLetter.rabbit.invoices.issued.dlq': '#/channels/rabbit.invoices.issued.dlq',
      'deadLetter.kafka.payments.failed': '#/channels/kafka.payments.failed',
    });
    expect(doc.operations['deadLetter.kafka.orders.placed.dlq']).toMatchObject({
      messages: [{ $ref: '#/channels/kafka.orders.placed.dlq/messages/DeadLetter' }],
      'x-nestream-dead-letter-of': ['BillingHandlers.onOrderPlaced'],
    });
  });

  it('describes each contract as a message: event type and version in its headers, the contract description', () => {
    const message = doc.components.messages.OrderPlaced!;
    expect(message).toMatchObject({
      name: 'orders.placed',
      summary: 'orders.placed v2',
      description: 'An order was **placed**.',
      contentType: 'application/json',
      payload: { $ref: '#/components/schemas/OrderPlaced' },
      correlationId: { location: '$message.header#/correlation_id' },
      bindings: { kafka: { key: { type: 'string' } } },
      'x-nestream-event-type': 'orders.placed',
      'x-nestream-event-version': 'v2',
    });
    const headers = message.headers as { properties: Record<string, { const?: string }>; required: string[] };
    expect(headers.properties['x-event-type']!.const).toBe('orders.placed');
    expect(headers.properties['x-event-version']!.const).toBe('v2');
    expect(headers.required).toEqual(['content-type', 'message_id', 'correlation_id', 'x-event-type', 'x-occurred-at', 'x-source', 'x-event-version']);
    expect(Object.keys(headers.properties)).toEqual(expect.arrayContaining(['x-idempotency-key', 'traceparent']));
    const deadLetter = doc.components.messages.DeadLetter!.headers as { properties: Record<string, unknown> };
    expect(Object.keys(deadLetter.properties)).toEqual(expect.arrayContaining(['x-dlq-reason', 'x-dlq-original-topic', 'x-dlq-attempts']));
  });

  it('derives the payload JSON Schema from the contract rules, nested classes by $ref, unknown properties rejected', () => {
    expect(doc.components.schemas.OrderPlaced).toEqual({
      type: 'object',
      properties: {
        orderId: { type: 'string', format: 'uuid' },
        quantity: { type: 'integer', minimum: 1, maximum: 100 },
        currency: { enum: ['EUR', 'USD'] },
        channel: { enum: ['web', 'app'] },
        email: { type: 'string', format: 'email' },
        placedAt: { type: 'string', format: 'date-time' },
        shipTo: { $ref: '#/components/schemas/Address' },
        tags: { type: 'array', maxItems: 3, items: { type: 'string' } },
        note: { type: ['string', 'null'] },
      },
      required: ['orderId', 'quantity', 'currency', 'channel', 'email', 'placedAt', 'shipTo', 'tags'],
      additionalProperties: false,
    });
    expect(doc.components.schemas.Address).toEqual({
      type: 'object',
      properties: { street: { type: 'string', minLength: 1, maxLength: 80 }, zip: { type: 'string', pattern: '^[0-9]{5}$' } },
      required: ['street', 'zip'],
      additionalProperties: false,
    });
  });
});
