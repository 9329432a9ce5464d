import { describe, expect, it } from '@jest/globals';
import { ConfigurationError } from '../../lib/core/errors.js';
import { KafkaTransport, type KafkaTransportOptions } from '../../lib/transports/kafka/index.js';
import { assertPlatformaticNode, isMissingPackage, missingClientError, platformaticSupportsNode } from '../../lib/transports/kafka/kafka.client-library.js';
import { resolveKafkaOptions } from '../../lib/transports/kafka/kafka.options.js';

const brokers = ['127.0.0.1:9092'];
/** Options as a JS app or a config file gives them: no type to stop a wrong one. */
const untyped = (options: Record<string, unknown>): KafkaTransportOptions => ({ brokers, ...options }) as KafkaTransportOptions;
const construct = (options: Record<string, unknown>) => () => new KafkaTransport(untyped(options));

describe('KafkaTransport client library', () => {
  it('is @platformatic/kafka when library is left out, kafkajs only when asked for', () => {
    expect(resolveKafkaOptions({ brokers }).library).toBe('platformatic');
    expect(resolveKafkaOptions({ brokers, library: 'platformatic' }).library).toBe('platformatic');
    expect(resolveKafkaOptions({ brokers, library: 'kafkajs' })).toMatchObject({ library: 'kafkajs', consumer: { maxWaitTimeInMs: 1000 }, producer: { idempotent: true } });
    expect(resolveKafkaOptions({ brokers })).toMatchObject({ consumer: { maxWaitTime: 1000 } });
  });

  it('refuses kafkajs-only options given without library: kafkajs, naming the option, the fix and the equivalent', () => {
    const cases: [Record<string, unknown>, string, string | undefined][] = [
      [{ ssl: true }, 'ssl', 'tls'],
      [{ client: { retry: { retries: 3 } } }, 'client.retry', 'client.retries and client.retryDelay'],
      [{ client: { connectionTimeout: 500 } }, 'client.connectionTimeout', 'client.connectTimeout'],
      [{ consumer: { maxWaitTimeInMs: 200 } }, 'consumer.maxWaitTimeInMs', 'consumer.maxWaitTime'],
      [{ producer: { idempotent: true } }, 'producer.idempotent', undefined],
      [{ producer: { maxInFlightRequests: 1 } }, 'producer.maxInFlightRequests', undefined],
    ];
    for (const [options, path, equivalent] of cases) {
      const attempt = construct(options);
      expect(attempt).toThrow(ConfigurationError);
      expect(attempt).toThrow(`'${path}' is a kafkajs option, and the client is @platformatic/kafka (the default): set library: 'kafkajs' to keep kafkajs`);
      expect(attempt).toThrow(equivalent ? `give '${equivalent}'` : '@platformatic/kafka has no equivalent');
    }
    // Said the same with library: 'platformatic' written out, less "(the default)".
    expect(construct({ library: 'platformatic', ssl: true })).toThrow("'ssl' is a kafkajs option, and the client is @platformatic/kafka: set library: 'kafkajs'");
  });

  it('takes those options with library: kafkajs, and refuses @platformatic/kafka-only ones there', () => {
    expect(construct({ library: 'kafkajs', ssl: true, client: { retry: { retries: 3 } }, consumer: { maxWaitTimeInMs: 200 }, producer: { idempotent: true, maxInFlightRequests: 1 } })).not.toThrow();
    expect(construct({ library: 'kafkajs', tls: {} })).toThrow("'tls' is an option of @platformatic/kafka, and library is 'kafkajs': kafkajs calls it 'ssl'");
    expect(construct({ library: 'kafkajs', consumer: { maxWaitTime: 200 } })).toThrow("kafkajs calls it 'consumer.maxWaitTimeInMs'");
  });

  it("takes @platformatic/kafka's own options by default, and refuses an unknown library", () => {
    expect(construct({ tls: {}, client: { retries: 2, retryDelay: 100, connectTimeout: 500, requestTimeout: 1000 }, consumer: { maxWaitTime: 200, sessionTimeout: 20_000 }, producer: { compression: 'gzip' } })).not.toThrow();
    expect(construct({ library: 'kafka-js' })).toThrow(`library must be 'platformatic' (the default) or 'kafkajs', not "kafka-js"`);
  });

  it('is typed so: kafkajs options need library: kafkajs', () => {
    // @ts-expect-error ssl is kafkajs's: without library: 'kafkajs' TypeScript refuses it
    expect(() => new KafkaTransport({ brokers, ssl: true })).toThrow(ConfigurationError);
    // @ts-expect-error a kafkajs client option without library: 'kafkajs'
    expect(() => new KafkaTransport({ brokers, client: { retry: { retries: 3 } } })).toThrow(ConfigurationError);
    expect(new KafkaTransport({ brokers, library: 'kafkajs', ssl: true, client: { retry: { retries: 3 } } })).toBeInstanceOf(KafkaTransport);
  });
});

describe('@platformatic/kafka on this Node', () => {
  it('runs on 22.22+ on 22, 24.6+ on 24, and 25 on; not before, nor on 23', () => {
    for (const version of ['22.22.0', '22.30.1', 'v24.6.0', '24.21.0', '25.0.0', '26.1.0']) expect([version, platformaticSupportsNode(version)]).toEqual([version, true]);
    for (const version of ['20.19.0', '22.12.0', '22.21.9', '23.11.0', '24.0.0', '24.5.2']) expect([version, platformaticSupportsNode(version)]).toEqual([version, false]);
    expect(platformaticSupportsNode(process.versions.node)).toBe(true); // the Node these tests run on
  });

  it('fails on an older one naming its version, the ones it needs and kafkajs as the alternative', () => {
    const attempt = () => assertPlatformaticNode('22.12.0');
    expect(attempt).toThrow(ConfigurationError);
    expect(attempt).toThrow('this is Node 22.12.0');
    expect(attempt).toThrow('needs Node >= 22.22 on 22, >= 24.6 on 24, or 25 and later');
    expect(attempt).toThrow("set library: 'kafkajs'");
    expect(() => assertPlatformaticNode('24.6.0')).not.toThrow();
  });
});

describe('a client library that is not installed', () => {
  it('is recognised from the import error of that package only', async () => {
    const error = await import('nestream-no-such-package' as string).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isMissingPackage(error, 'nestream-no-such-package')).toBe(true);
    expect(isMissingPackage(error, '@platformatic/kafka')).toBe(false);
    expect(isMissingPackage(new Error('boom'), 'nestream-no-such-package')).toBe(false);
  });

  it('is named with the npm install that brings it, and the other client as the alternative', () => {
    expect(missingClientError('platformatic').message).toBe(
      "KafkaTransport: its default client, @platformatic/kafka, is not installed: npm install @platformatic/kafka (or set library: 'kafkajs' and npm install kafkajs)",
    );
    expect(missingClientError('kafkajs').message).toContain("library: 'kafkajs': kafkajs is not installed: npm install kafkajs");
  });
});
