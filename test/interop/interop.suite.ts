import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { CorrelationScope, Headers } from '../../lib/index.js';
import { FastStreamPeer } from './faststream-peer.js';
import { interopTopics, startNestream, type NestreamPeer, type NestreamReceipt } from './nestream-app.js';
import type { InteropTarget } from './targets.js';

const uid = () => randomBytes(4).toString('hex');
const order = { orderId: 'o-42', amount: 19.5, note: 'héllo ✓' };
const text = 'plain text, wörld ✓';
/** Not UTF-8 (0xff, 0xfe), a NUL and a lone continuation byte: only a binary-safe path keeps it. */
const notUtf8 = Buffer.from([0x00, 0xff, 0xfe, 0x80, 0x41]);

/**
 * Real FastStream 0.7 (python/peer.py, one process per broker) and a nestream app on the same
 * broker, with both sides' defaults: each direction for a JSON event (pydantic model / nestream
 * contract), a str and raw bytes, the correlation id kept, and a bridge through a nestream
 * `@Publisher`.
 */
export function interopSuite(target: InteropTarget): void {
  describe(`FastStream 0.7 and nestream on ${target.name}`, () => {
    const prefix = `iop-${target.name}-${uid()}`;
    const topics = interopTopics(prefix);
    const allTopics = [...Object.values(topics.toNestream), ...Object.values(topics.toFastStream), topics.bridgeIn, topics.bridgeOut, topics.rpcNestream, topics.rpcFastStream];
    let peer: FastStreamPeer | undefined;
    let nest: NestreamPeer | undefined;

    beforeAll(async () => {
      await target.prepare?.(allTopics);
      peer = await FastStreamPeer.start(target.name, prefix, target.peerUrl());
      nest = await startNestream(prefix, target.transport(), target.subscriberOptions);
    }, 60_000);

    afterAll(async () => {
      await nest?.app.close();
      await peer?.stop();
      await target.cleanup?.(prefix, allTopics).catch(() => undefined);
    }, 30_000);

    const fastStream = () => peer!;
    const nestream = () => nest!;

    async function nestreamReceived(topic: string, correlationId: string, timeoutMs = 15_000): Promise<NestreamReceipt> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const receipt = nestream().receipts.find((r) => r.topic === topic && r.correlationId === correlationId);
        if (receipt) return receipt;
        if (Date.now() > deadline) throw new Error(`nestream received nothing on ${topic} with correlation id ${correlationId}; it got ${JSON.stringify(nestream().receipts.map((r) => [r.topic, r.correlationId]))}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }

    describe('FastStream publishes, nestream handles', () => {
      it('a pydantic model arrives as the validated contract event, with its correlation id and headers', async () => {
        const cid = `cid-${uid()}`;
        await fastStream().publish(topics.toNestream.model, { kind: 'model', value: order }, cid, { 'x-tenant': 'acme' });
        const receipt = await nestreamReceived(topics.toNestream.model, cid);
        expect(receipt.payload).toEqual(order);
        expect(receipt.headers[Headers.contentType]).toBe('application/json');
        expect(receipt.headers['x-tenant']).toBe('acme');
      });

      it('a str arrives as the same string', async () => {
        const cid = `cid-${uid()}`;
        await fastStream().publish(topics.toNestream.str, { kind: 'str', value: text }, cid);
        const receipt = await nestreamReceived(topics.toNestream.str, cid);
        expect(receipt.payload).toBe(text);
        expect(receipt.headers[Headers.contentType]).toBe('text/plain');
      });

      it('bytes that are not UTF-8 arrive as the same bytes', async () => {
        const cid = `cid-${uid()}`;
        await fastStream().publish(topics.toNestream.bytes, { kind: 'bytes', value: notUtf8 }, cid);
        const receipt = await nestreamReceived(topics.toNestream.bytes, cid);
        expect(Buffer.isBuffer(receipt.payload)).toBe(true);
        expect((receipt.payload as Buffer).equals(notUtf8)).toBe(true);
      });
    });

    describe('nestream publishes, FastStream handles', () => {
      it('a contract event arrives as the pydantic model, with correlation id, message id and headers', async () => {
        const cid = `cid-${uid()}`;
        const messageId = `mid-${uid()}`;
        // A non-ASCII header value too: UTF-8 on every broker (on Redis, the envelope's lengths are byte lengths).
        await CorrelationScope.run(cid, () => nestream().bus.publish(nestream().OrderForFastStream, order, { messageId, headers: { 'x-tenant': 'acmé' } }));
        const receipt = await fastStream().received(topics.toFastStream.model, cid);
        expect(receipt.value).toEqual(order);
        expect(receipt.content_type).toBe('application/json');
        // On RabbitMQ the message id is the AMQP property only (where FastStream's own publisher puts it), not a header too.
        if (target.name !== 'rabbitmq') expect(receipt.headers[Headers.messageId]).toBe(messageId);
        // FastStream's Kafka parser makes its message id from offset and timestamp; the others read nestream's.
        if (target.name !== 'kafka') expect(receipt.message_id).toBe(messageId);
        expect(receipt.headers[Headers.eventType]).toBe(topics.toFastStream.model);
        expect(receipt.headers[Headers.source]).toBe('interop');
        expect(receipt.headers['x-tenant']).toBe('acmé');
      });

      it('a string arrives as the same str', async () => {
        const cid = `cid-${uid()}`;
        await CorrelationScope.run(cid, () => nestream().bus.publish(topics.toFastStream.str, text));
        const receipt = await fastStream().received(topics.toFastStream.str, cid);
        expect(receipt.value).toBe(text);
        expect(receipt.content_type).toBe('text/plain');
      });

      it('bytes that are not UTF-8 arrive as the same bytes', async () => {
        const cid = `cid-${uid()}`;
        await CorrelationScope.run(cid, () => nestream().bus.publish(topics.toFastStream.bytes, notUtf8));
        const receipt = await fastStream().received(topics.toFastStream.bytes, cid);
        expect(Buffer.from(receipt.value as string, 'base64').equals(notUtf8)).toBe(true);
        expect(receipt.content_type).toBe('application/octet-stream');
      });
    });

    it('bridges FastStream → nestream handler → @Publisher → FastStream, keeping the correlation id', async () => {
      const cid = `cid-${uid()}`;
      await fastStream().publish(topics.bridgeIn, { kind: 'model', value: order }, cid);
      const receipt = await fastStream().received(topics.bridgeOut, cid);
      expect(receipt.value).toEqual({ ...order, note: `${order.note} via nestream` });
      expect(receipt.content_type).toBe('application/json');
      expect((await nestreamReceived(topics.bridgeIn, cid)).payload).toEqual(order);
    });

    // FastStream 0.7 has request/reply on NATS, JetStream, RabbitMQ and Redis, not on Kafka.
    (target.name === 'kafka' ? describe.skip : describe)('request/reply, where FastStream has it', () => {
      it("nestream's request is answered by a FastStream subscriber's return value, under the request's correlation id", async () => {
        const cid = `cid-${uid()}`;
        const reply = await nestream().bus.request(topics.rpcFastStream, order, { correlationId: cid, timeoutMs: 10_000 });
        expect(reply).toEqual({ orderId: order.orderId, price: order.amount * 2 });
        expect((await fastStream().received(topics.rpcFastStream, cid)).value).toEqual(order);
      });

      it("FastStream's broker.request() is answered by a nestream handler's return value", async () => {
        const cid = `cid-${uid()}`;
        const answer = await fastStream().request(topics.rpcNestream, order, cid);
        expect(answer.reply).toEqual({ orderId: order.orderId, price: order.amount * 3 });
        expect(answer.correlation_id).toBe(cid);
        expect((await nestreamReceived(topics.rpcNestream, cid)).payload).toEqual(order);
      });
    });
  });
}
