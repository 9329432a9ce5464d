import type { JsMsg } from '@nats-io/jetstream';
import type { Msg } from '@nats-io/transport-node';
import type { MessageHeaders } from '../../core/headers.js';
import { fromNatsHeaders, InboundHeaders } from './nats.headers.js';

/** What nats.js's MsgImpl keeps of a received message: the bytes, and where its headers end. */
interface RawMsg {
  _rdata?: unknown;
  _msg?: { hdr?: unknown };
}

const decoder = new TextDecoder();

/**
 * A received message's headers, read from its raw header block. nats.js's `msg.headers` parses
 * the same block into `MsgHdrs` through `append()`, which re-checks every name character by
 * character (≈ 7 % of a NATS message's CPU), and nestream then copied it into a record. This
 * reads the block once, straight into the record; nats.js still parses it if anything asks
 * `msg.headers` (`ctx.raw()`, `NatsContext.natsHeaders`). A message not shaped as this file
 * expects (another nats.js build) goes through `msg.headers`, as before.
 */
export function inboundNatsHeaders(msg: Msg | JsMsg): { headers: MessageHeaders; key?: string } {
  // A JetStream message wraps the core one as `msg`.
  const core = ((msg as unknown as { msg?: RawMsg }).msg ?? msg) as RawMsg;
  const bytes = core._rdata;
  const end = core._msg?.hdr;
  if (!(bytes instanceof Uint8Array) || typeof end !== 'number') return fromNatsHeaders(msg.headers);
  if (end < 0) return { headers: {} };
  return parseHeaderBlock(bytes.subarray(0, end));
}

/**
 * `NATS/1.0[ status]\r\n` then `name: value\r\n` lines and an empty line, as nats.js writes and
 * reads them (`MsgHdrsImpl.decode`): lines without a colon are skipped, values trimmed.
 */
export function parseHeaderBlock(block: Uint8Array): { headers: MessageHeaders; key?: string } {
  const text = decoder.decode(block);
  const collected = new InboundHeaders();
  let start = text.indexOf('\r\n');
  if (start < 0) return collected.finish();
  start += 2;
  while (start < text.length) {
    let stop = text.indexOf('\r\n', start);
    if (stop < 0) stop = text.length;
    const colon = text.indexOf(':', start);
    if (colon > start && colon < stop) collected.add(text.slice(start, colon), text.slice(colon + 1, stop).trim());
    start = stop + 2;
  }
  return collected.finish();
}
