import type { MsgHdrs } from '@nats-io/transport-node';
import type { MessageHeaders } from '../../core/headers.js';

/**
 * NATS has no message key; nestream carries `OutboundMessage.key` in this header so that
 * `InboundMessage.key` survives the round trip.
 */
export const NatsKeyHeader = 'x-message-key';

/**
 * NATS header values cannot hold CR or LF (an error stack can), and the wire trims
 * surrounding whitespace. Such values travel percent-encoded, and this header names them.
 */
export const NatsEncodedHeadersHeader = 'x-nestream-encoded-headers';

/** Headers the server or client sets for its own use; not part of the message's headers. */
const natsInternalHeaders = new Set(['nats-msg-id', 'nats-expected-stream', 'nats-expected-last-sequence']);

const needsEncoding = (value: string): boolean => /[\r\n]/.test(value) || value !== value.trim();

export function toNatsHeaders(create: () => MsgHdrs, headers: MessageHeaders, key?: string): MsgHdrs | undefined {
  const names = Object.keys(headers);
  if (names.length === 0 && key === undefined) return undefined;
  const natsHeaders = create();
  const encoded: string[] = [];
  for (const name of names) {
    const value = headers[name]!;
    if (needsEncoding(value)) {
      encoded.push(name);
      natsHeaders.set(name, encodeURIComponent(value));
    } else {
      natsHeaders.set(name, value);
    }
  }
  if (encoded.length > 0) natsHeaders.set(NatsEncodedHeadersHeader, encoded.join(','));
  if (key !== undefined) natsHeaders.set(NatsKeyHeader, needsEncoding(key) ? encodeURIComponent(key) : key);
  return natsHeaders;
}

/** Broker headers as a plain record; a header sent several times keeps its last value. */
export function fromNatsHeaders(natsHeaders: MsgHdrs | undefined): { headers: MessageHeaders; key?: string } {
  const headers: MessageHeaders = {};
  let key: string | undefined;
  if (!natsHeaders) return { headers };
  const encoded = new Set(natsHeaders.has(NatsEncodedHeadersHeader) ? natsHeaders.get(NatsEncodedHeadersHeader).split(',') : []);
  for (const [name, values] of natsHeaders) {
    const lower = name.toLowerCase();
    const raw = values[values.length - 1] ?? '';
    const value = encoded.has(name) ? safeDecode(raw) : raw;
    if (lower === NatsKeyHeader) key = safeDecode(raw);
    else if (lower !== NatsEncodedHeadersHeader && !natsInternalHeaders.has(lower)) headers[name] = value;
  }
  return { headers, key };
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
