import { describe, expect, it } from '@jest/globals';
import { decodeBinaryEnvelope, encodeBinaryEnvelope, BinaryEnvelopeLimitError } from '../../lib/transports/redis/binary-envelope.js';
import { decodeEntryFields, decodePubSubPayload, encodeEntryFields, encodePubSubPayload } from '../../lib/transports/redis/redis.headers.js';
import { resolveRedisOptions, type RedisTransportOptions } from '../../lib/transports/redis/redis.options.js';

/**
 * Byte-level vectors written by FastStream 0.7.8 itself:
 *   await BinaryMessageFormatV1.encode(message=..., reply_to=..., headers=..., correlation_id=...)
 * (faststream/redis/parser/binary.py), hex-encoded.
 */
const fastStreamVectors = {
  // message={"id": 7, "sku": "A"}, headers={"x-source": "py"}, correlation_id="cid-1"
  json: '8942494e0d0a1a0a000100000012000000590003000e636f7272656c6174696f6e5f696400056369642d31000c636f6e74656e742d7479706500106170706c69636174696f6e2f6a736f6e0008782d736f75726365000270797b226964223a20372c2022736b75223a202241227d',
  // message=b"\x00\xff\xfe\x80", correlation_id="cid-2" (FastStream sends bytes with no content-type)
  bytes: '8942494e0d0a1a0a0001000000120000002b0001000e636f7272656c6174696f6e5f696400056369642d3200fffe80',
  // message="héllo", reply_to="inbox.1", correlation_id="cid-3"
  str: '8942494e0d0a1a0a000100000012000000580003000e636f7272656c6174696f6e5f696400056369642d33000c636f6e74656e742d74797065000a746578742f706c61696e00087265706c795f746f0007696e626f782e3168c3a96c6c6f',
} as const;

// message="body", headers={"x-name": "Zoë"}, correlation_id="c": FastStream writes the header's
// character count (3), not its byte length (4), and cannot parse this envelope back itself.
const fastStreamNonAsciiHeader =
  '8942494e0d0a1a0a0001000000120000004f0003000e636f7272656c6174696f6e5f6964000163000c636f6e74656e742d74797065000a746578742f706c61696e0006782d6e616d6500035a6fc3ab626f6479';

const hex = (value: string) => Buffer.from(value, 'hex');
const notUtf8 = Buffer.from([0x00, 0xff, 0xfe, 0x80]);

describe('FastStream binary envelope (BinaryMessageFormatV1)', () => {
  it('reads what FastStream 0.7 writes', () => {
    expect(decodeBinaryEnvelope(hex(fastStreamVectors.json))).toEqual({
      body: Buffer.from('{"id": 7, "sku": "A"}'),
      headers: { correlation_id: 'cid-1', 'content-type': 'application/json', 'x-source': 'py' },
    });
    expect(decodeBinaryEnvelope(hex(fastStreamVectors.bytes))).toEqual({ body: notUtf8, headers: { correlation_id: 'cid-2' } });
    expect(decodeBinaryEnvelope(hex(fastStreamVectors.str))).toEqual({
      body: Buffer.from('héllo'),
      headers: { correlation_id: 'cid-3', 'content-type': 'text/plain', reply_to: 'inbox.1' },
    });
  });

  it('keeps the body of a FastStream envelope whose last header is non-ASCII (FastStream cuts it)', () => {
    const decoded = decodeBinaryEnvelope(hex(fastStreamNonAsciiHeader))!;
    expect(decoded.body.toString()).toBe('body');
    expect(decoded.headers['correlation_id']).toBe('c');
    expect(decoded.headers['x-name']).toBe('Zo\ufffd'); // 3 of its 4 bytes
  });

  it('writes byte for byte what FastStream writes for the same message', () => {
    for (const name of Object.keys(fastStreamVectors) as (keyof typeof fastStreamVectors)[]) {
      const { body, headers } = decodeBinaryEnvelope(hex(fastStreamVectors[name]))!;
      expect(encodeBinaryEnvelope(body, headers).toString('hex')).toBe(fastStreamVectors[name]);
    }
  });

  it('round-trips bodies that are not UTF-8, empty bodies and non-ASCII headers (byte lengths)', () => {
    for (const body of [notUtf8, Buffer.alloc(0), Buffer.from('{"a":1}')]) {
      const headers = { 'x-name': 'Zoë 🚀', correlation_id: 'c' };
      expect(decodeBinaryEnvelope(encodeBinaryEnvelope(body, headers))).toEqual({ body, headers });
    }
    const encoded = encodeBinaryEnvelope(Buffer.alloc(0), { n: 'é' });
    expect(encoded.subarray(18).toString('hex')).toBe('0001' + '0001' + '6e' + '0002' + 'c3a9'); // count, "n", "é" as 2 bytes
  });

  it('is not mistaken for something else, nor something else for it', () => {
    expect(decodeBinaryEnvelope(Buffer.from('{"data":"x","headers":{}}'))).toBeUndefined();
    expect(decodeBinaryEnvelope(hex('8942494e0d0a1a0a0002000000120000001400'))).toBeUndefined(); // version 2
    const truncated = hex(fastStreamVectors.json).subarray(0, 30);
    expect(decodeBinaryEnvelope(truncated)).toBeUndefined();
  });

  it('refuses a header its 16-bit lengths cannot hold, naming it', () => {
    expect(() => encodeBinaryEnvelope(Buffer.alloc(0), { 'x-dlq-error-stack': 'x'.repeat(70_000) })).toThrow(BinaryEnvelopeLimitError);
    expect(() => encodeBinaryEnvelope(Buffer.alloc(0), { 'x-dlq-error-stack': 'x'.repeat(70_000) })).toThrow(/x-dlq-error-stack.*65535/);
  });
});

const flat = (fields: (string | Buffer | number)[]) => fields.map((field) => (Buffer.isBuffer(field) ? field : Buffer.from(String(field))));

describe('Redis stream entry layout', () => {
  const message = { body: notUtf8, headers: { 'content-type': 'application/octet-stream', correlation_id: 'c-1' }, key: 'k1' };

  it("writes FastStream's `__data__` field by default, the key beside it", () => {
    const fields = encodeEntryFields(message);
    expect(fields[0]).toBe('__data__');
    expect(decodeBinaryEnvelope(fields[1] as Buffer)).toEqual({ body: notUtf8, headers: message.headers });
    expect(fields.slice(2)).toEqual(['key', 'k1']);
  });

  it("writes nestream's legacy fields when asked", () => {
    expect(encodeEntryFields(message, 'legacy')).toEqual(['body', notUtf8, 'headers', JSON.stringify(message.headers), 'key', 'k1']);
  });

  it('reads both formats, FastStream entries and its legacy JSON envelope', () => {
    for (const format of ['binary', 'legacy'] as const) {
      const decoded = decodeEntryFields(flat(encodeEntryFields(message, format)));
      expect({ body: decoded.body, headers: decoded.headers, key: decoded.key }).toEqual(message);
    }
    const fromFastStream = decodeEntryFields(flat(['__data__', hex(fastStreamVectors.bytes)]));
    expect(fromFastStream.body).toEqual(notUtf8);
    expect(fromFastStream.headers).toEqual({ correlation_id: 'cid-2' });
    const legacyFastStream = decodeEntryFields(flat(['__data__', '{"data":"hi","headers":{"correlation_id":"c"}}']));
    expect(legacyFastStream.body.toString()).toBe('hi');
    expect(legacyFastStream.headers).toEqual({ correlation_id: 'c' });
    expect(decodeEntryFields(flat(['__data__', 'plain'])).body.toString()).toBe('plain');
    expect(decodeEntryFields(flat(['data', 'other'])).body.toString()).toBe('other');
  });
});

describe('Redis Pub/Sub payload layout', () => {
  it('writes the binary envelope by default, with the key as a header', () => {
    const payload = encodePubSubPayload({ body: notUtf8, headers: { a: 'b' }, key: 'k' }) as Buffer;
    expect(decodeBinaryEnvelope(payload)).toEqual({ body: notUtf8, headers: { a: 'b', 'x-message-key': 'k' } });
    expect(decodePubSubPayload(payload)).toEqual({ body: notUtf8, headers: { a: 'b' }, key: 'k' });
  });

  it('writes the JSON envelope when legacy, and reads every form', () => {
    const legacy = encodePubSubPayload({ body: Buffer.from('{"id":1}'), headers: { a: 'b' } }, 'legacy');
    expect(legacy).toBe('{"data":"{\\"id\\":1}","headers":{"a":"b"}}');
    expect(decodePubSubPayload(Buffer.from(legacy))).toEqual({ body: Buffer.from('{"id":1}'), headers: { a: 'b' } });
    const base64 = encodePubSubPayload({ body: notUtf8, headers: {} }, 'legacy');
    expect(decodePubSubPayload(Buffer.from(base64)).body).toEqual(notUtf8);
    expect(decodePubSubPayload(hex(fastStreamVectors.str))).toEqual({
      body: Buffer.from('héllo'),
      headers: { correlation_id: 'cid-3', 'content-type': 'text/plain', reply_to: 'inbox.1' },
    });
    expect(decodePubSubPayload(Buffer.from('1.07'))).toEqual({ body: Buffer.from('1.07'), headers: {} });
  });
});

describe('RedisTransport wireFormat option', () => {
  it("defaults to FastStream's binary envelope and refuses an unknown format", () => {
    expect(resolveRedisOptions({}).wireFormat).toBe('binary');
    expect(resolveRedisOptions({ wireFormat: 'legacy' }).wireFormat).toBe('legacy');
    expect(() => resolveRedisOptions({ wireFormat: 'json' } as unknown as RedisTransportOptions)).toThrow(/wireFormat must be 'binary' or 'legacy', got "json"/);
  });
});
