import { describe, expect, it } from '@jest/globals';
import { headers as natsHeaders, MsgHdrsImpl, type MsgHdrs } from '@nats-io/transport-node';
import { Headers } from '../../lib/core/headers.js';
import { fromNatsHeaders, NatsEncodedHeadersHeader, NatsKeyHeader, toNatsHeaders } from '../../lib/transports/nats/nats.headers.js';
import { inboundNatsHeaders, parseHeaderBlock } from '../../lib/transports/nats/nats.raw-headers.js';

/** What nats.js itself writes for the same headers through its public `set()`. */
function viaSet(entries: Record<string, string>): Uint8Array {
  const h = natsHeaders();
  for (const [name, value] of Object.entries(entries)) h.set(name, value);
  return encode(h);
}

const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('latin1');
/** The bytes nats.js publishes for a headers object (`MsgHdrsImpl.encode()`, what its publish calls). */
const encode = (h: MsgHdrs): Uint8Array => (h as MsgHdrsImpl).encode();

describe('NATS headers (nats.headers.ts)', () => {
  const event = {
    [Headers.contentType]: 'application/json',
    [Headers.messageId]: '0b6c6a4e-6f0e-4a59-9c43-6f1d1c0c4e21',
    [Headers.eventType]: 'order.created',
    [Headers.eventVersion]: 'v1',
    [Headers.correlationId]: 'c-1',
    'X-Tenant': 'acme',
  };

  it('puts on the wire exactly what nats.js set() would, key header included', () => {
    const built = toNatsHeaders(() => natsHeaders(), event, 'order-7')!;
    expect(text(encode(built))).toBe(text(viaSet({ ...event, [NatsKeyHeader]: 'order-7' })));
  });

  it('round-trips names, values, the key and values that need encoding', () => {
    const tricky = { ...event, 'x-dlq-error-stack': 'Error: boom\n    at handler (a.ts:1)', 'x-padded': '  spaced  ' };
    const wire = encode(toNatsHeaders(() => natsHeaders(), tricky, 'line\nkey')!);
    expect(text(wire)).toContain(`${NatsEncodedHeadersHeader}: x-dlq-error-stack,x-padded`);
    expect(fromNatsHeaders(MsgHdrsImpl.decode(wire))).toEqual({ headers: tricky, key: 'line\nkey' });
  });

  it('refuses a header name NATS cannot carry, naming it', () => {
    for (const name of ['has space', 'colon:name', 'zoë', 'tab\tname', '']) {
      expect(() => toNatsHeaders(() => natsHeaders(), { ...event, [name]: 'v' })).toThrow(`Header name ${JSON.stringify(name)} cannot be sent over NATS`);
    }
  });

  it('sends no headers object for a message with neither headers nor key', () => {
    expect(toNatsHeaders(() => natsHeaders(), {})).toBeUndefined();
  });

  it('leaves out the server’s own headers and keeps the last of repeated values', () => {
    const h = natsHeaders();
    h.append('Nats-Msg-Id', 'x');
    h.append('x-n', '1');
    h.append('x-n', '2');
    expect(fromNatsHeaders(MsgHdrsImpl.decode(encode(h)))).toEqual({ headers: { 'x-n': '2' }, key: undefined });
  });

  it('reads a raw header block as nats.js’s own parsing would, without it', () => {
    const tricky = { ...event, 'x-dlq-error-stack': 'Error: boom\n    at handler (a.ts:1)', 'x-padded': '  spaced  ' };
    const blocks = [
      encode(toNatsHeaders(() => natsHeaders(), tricky, 'k 1')!),
      encode(toNatsHeaders(() => natsHeaders(), {}, 'only-key')!),
      viaSet({ 'Nats-Msg-Id': 'x', 'x-n': '1' }),
      new TextEncoder().encode('NATS/1.0\r\nx-a:  spaced value \r\nno colon here\r\nx-url: http://h:1/p\r\n\r\n'),
    ];
    for (const block of blocks) expect(parseHeaderBlock(block)).toEqual(fromNatsHeaders(MsgHdrsImpl.decode(block)));
  });

  it('falls back to msg.headers for a message without the raw block nats.js keeps', () => {
    const h = natsHeaders();
    h.set('x-n', '5');
    h.set(NatsKeyHeader, 'k5');
    const foreign = { headers: h } as unknown as Parameters<typeof inboundNatsHeaders>[0];
    expect(inboundNatsHeaders(foreign)).toEqual({ headers: { 'x-n': '5' }, key: 'k5' });
  });
});
