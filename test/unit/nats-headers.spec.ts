import { describe, expect, it } from '@jest/globals';
import { headers as natsHeaders, MsgHdrsImpl, type MsgHdrs } from '@nats-io/transport-node';
import { Headers } from '../../lib/core/headers.js';
import { fromNatsHeaders, NatsEncodedHeadersHeader, NatsKeyHeader, toNatsHeaders } from '../../lib/transports/nats/nats.headers.js';

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
});
