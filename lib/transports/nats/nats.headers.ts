import type { MsgHdrs } from '@nats-io/transport-node';
import { DeadLetterHeaders, Headers, ReplayHeaders, ReplyHeaders, type MessageHeaders } from '../../core/headers.js';

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

/**
 * nestream's own header names: constants, valid by construction (checked once below), so
 * they skip the per-name check. nats.js's `set()` checks every name character by character
 * and scans the headers twice per call, which was about 9 % of a NATS message's CPU.
 */
const knownNames = new Set<string>([
  ...Object.values(Headers),
  ...Object.values(DeadLetterHeaders),
  ...Object.values(ReplayHeaders),
  ...Object.values(ReplyHeaders),
  NatsKeyHeader,
  NatsEncodedHeadersHeader,
]);
/** Printable ASCII (33–126) except ':', the rule nats.js (and RFC 822) applies to header names. */
const validName = /^[!-9;-~]+$/;
for (const name of knownNames) if (!validName.test(name)) throw new Error(`nestream bug: header name ${name} is not valid on NATS`);

const needsEncoding = (value: string): boolean => /[\r\n]/.test(value) || value !== value.trim();

/** A header name that cannot travel on NATS: the publish fails with this, naming the header. */
export function assertNatsHeaderName(name: string): void {
  if (knownNames.has(name) || validName.test(name)) return;
  throw new Error(`Header name ${JSON.stringify(name)} cannot be sent over NATS: names are printable ASCII (no spaces, control characters or ':')`);
}

/**
 * The map nats.js encodes from (`MsgHdrsImpl.headers`: name → values, names as given). Writing
 * it directly is what `set()` ends with for distinct names; a headers object without it (another
 * client build) is filled through `set()`.
 */
type HeaderMap = Map<string, string[]>;
function headerMap(natsHeaders: MsgHdrs): HeaderMap | undefined {
  const map = (natsHeaders as { headers?: unknown }).headers;
  return map instanceof Map ? (map as HeaderMap) : undefined;
}

export function toNatsHeaders(create: () => MsgHdrs, headers: MessageHeaders, key?: string): MsgHdrs | undefined {
  const names = Object.keys(headers);
  if (names.length === 0 && key === undefined) return undefined;
  const natsHeaders = create();
  const map = headerMap(natsHeaders);
  // Values are made safe first (percent-encoded when nats.js would refuse or trim them), so
  // nats.js's own value check has nothing to do either.
  const put = map ? (name: string, value: string) => void map.set(name, [value]) : (name: string, value: string) => natsHeaders.set(name, value);
  let encoded: string[] | undefined;
  for (const name of names) {
    assertNatsHeaderName(name);
    const value = headers[name]!;
    if (needsEncoding(value)) {
      (encoded ??= []).push(name);
      put(name, encodeURIComponent(value));
    } else {
      put(name, value);
    }
  }
  if (encoded) put(NatsEncodedHeadersHeader, encoded.join(','));
  if (key !== undefined) put(NatsKeyHeader, needsEncoding(key) ? encodeURIComponent(key) : key);
  return natsHeaders;
}

/**
 * Sets one header the server reads (`Nats-Msg-Id`, a valid name by construction): straight into
 * the map as toNatsHeaders does, unless nats.js must check or refuse the value.
 */
export function setServerHeader(natsHeaders: MsgHdrs, name: string, value: string): void {
  const map = headerMap(natsHeaders);
  if (map && !needsEncoding(value)) map.set(name, [value]);
  else natsHeaders.set(name, value);
}

/** Broker headers as a plain record; a header sent several times keeps its last value. */
export function fromNatsHeaders(natsHeaders: MsgHdrs | undefined): { headers: MessageHeaders; key?: string } {
  const collected = new InboundHeaders();
  if (natsHeaders) for (const [name, values] of natsHeaders) collected.add(name, values[values.length - 1] ?? '');
  return collected.finish();
}

/** Lengths of the names InboundHeaders takes out or drops (any letter case). */
const specialNameLengths = new Set([NatsKeyHeader, NatsEncodedHeadersHeader, ...natsInternalHeaders].map((name) => name.length));

/**
 * Collects received headers one by one (from nats.js's `MsgHdrs`, or from the raw header block:
 * nats.raw-headers.ts): nestream's key and encoding headers are taken out, the server's own
 * dropped, later values replace earlier ones.
 */
export class InboundHeaders {
  private readonly headers: MessageHeaders = {};
  private key?: string;
  private encodedList?: string;

  add(name: string, raw: string): void {
    // Only a name as long as one of the special ones can be one: the others skip the lowercasing
    // (a new string, hashed again for the set lookup), which was most of this method's cost.
    if (!specialNameLengths.has(name.length)) {
      this.headers[name] = raw;
      return;
    }
    const lower = name.toLowerCase();
    if (lower === NatsKeyHeader) this.key = safeDecode(raw);
    else if (lower === NatsEncodedHeadersHeader) this.encodedList = raw;
    else if (!natsInternalHeaders.has(lower)) this.headers[name] = raw;
  }

  finish(): { headers: MessageHeaders; key?: string } {
    const headers = this.headers;
    // Rare (a value with CR/LF or edge whitespace): decoded after the one pass over the headers.
    if (this.encodedList) for (const name of this.encodedList.split(',')) if (Object.hasOwn(headers, name)) headers[name] = safeDecode(headers[name]!);
    return { headers, key: this.key };
  }
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
