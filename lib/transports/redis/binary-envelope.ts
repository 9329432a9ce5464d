import type { MessageHeaders } from '../../core/headers.js';
import { HeaderNameCache } from './header-name-cache.js';

/**
 * FastStream's `BinaryMessageFormatV1` (faststream/redis/parser/binary.py, FastStream 0.7), the
 * envelope FastStream puts in a stream entry's `__data__` field and in a Pub/Sub payload.
 * Big-endian:
 *
 *   magic          8 bytes  89 42 49 4E 0D 0A 1A 0A   ("\x89BIN\r\n\x1a\n", PNG-style)
 *   version        u16      1
 *   headersStart   u32      offset of the header count (always 18)
 *   dataStart      u32      offset of the body
 *   headerCount    u16
 *   headers        headerCount × (u16 length, UTF-8 name, u16 length, UTF-8 value)
 *   body           the message bytes, untouched, up to the end
 *
 * Lengths are byte lengths. (FastStream 0.7 writes a str's character count, so a header with
 * non-ASCII characters it writes cannot be read back by anyone; nestream writes byte lengths,
 * which FastStream reads correctly.)
 */
export const BINARY_ENVELOPE_MAGIC = Buffer.from([0x89, 0x42, 0x49, 0x4e, 0x0d, 0x0a, 0x1a, 0x0a]);
const VERSION = 1;
/** magic + version + the two offsets. */
const HEADERS_START = BINARY_ENVELOPE_MAGIC.length + 2 + 4 + 4;
const U16_MAX = 0xffff;

/** A header that does not fit the envelope's 16-bit lengths (or too many headers). */
export class BinaryEnvelopeLimitError extends Error {
  override readonly name = 'BinaryEnvelopeLimitError';
}

export function encodeBinaryEnvelope(body: Buffer, headers: MessageHeaders): Buffer {
  // One buffer sized for the worst case (3 UTF-8 bytes per UTF-16 unit) and written in place,
  // its unused tail cut off: no byte-length pass over the strings, no buffer per name or value.
  let count = 0;
  let headersBound = 0;
  for (const name in headers) {
    count++;
    headersBound += 4 + 3 * (name.length + headers[name]!.length);
  }
  if (count > U16_MAX) throw new BinaryEnvelopeLimitError(`${count} headers; FastStream's binary envelope holds at most ${U16_MAX}`);
  const out = Buffer.allocUnsafe(HEADERS_START + 2 + headersBound + body.length);
  BINARY_ENVELOPE_MAGIC.copy(out, 0);
  let at = out.writeUInt16BE(VERSION, BINARY_ENVELOPE_MAGIC.length);
  at = out.writeUInt32BE(HEADERS_START, at);
  const dataStartAt = at;
  at = out.writeUInt16BE(count, at + 4);
  for (const name in headers) {
    at = writeString(out, name, at, name);
    at = writeString(out, headers[name]!, at, name);
  }
  out.writeUInt32BE(at, dataStartAt);
  const end = at + body.copy(out, at);
  return out.subarray(0, end);
}

/** A u16 byte length, then the UTF-8 bytes; returns the offset after them. */
function writeString(out: Buffer, text: string, at: number, header: string): number {
  const written = out.write(text, at + 2, 'utf8');
  if (written > U16_MAX) {
    throw new BinaryEnvelopeLimitError(`header "${header.slice(0, 64)}" is ${written} bytes; FastStream's binary envelope holds at most ${U16_MAX} per name or value`);
  }
  out.writeUInt16BE(written, at);
  return at + 2 + written;
}

export function isBinaryEnvelope(bytes: Buffer): boolean {
  if (bytes.length < HEADERS_START + 2) return false;
  for (let i = 0; i < BINARY_ENVELOPE_MAGIC.length; i++) if (bytes[i] !== BINARY_ENVELOPE_MAGIC[i]) return false;
  return true;
}

const headerNames = new HeaderNameCache();

/**
 * The body and headers of an envelope; undefined when `bytes` is not a version-1 envelope or is
 * cut short (the caller then treats the bytes as something else, as FastStream does).
 */
export function decodeBinaryEnvelope(bytes: Buffer): { body: Buffer; headers: MessageHeaders } | undefined {
  if (!isBinaryEnvelope(bytes) || bytes.readUInt16BE(BINARY_ENVELOPE_MAGIC.length) !== VERSION) return undefined;
  const headersStart = bytes.readUInt32BE(BINARY_ENVELOPE_MAGIC.length + 2);
  const dataStart = bytes.readUInt32BE(BINARY_ENVELOPE_MAGIC.length + 6);
  const end = bytes.length;
  if (headersStart + 2 > end || dataStart > end) return undefined;
  const headers: MessageHeaders = {};
  const count = bytes.readUInt16BE(headersStart);
  let at = headersStart + 2;
  for (let i = 0; i < count; i++) {
    if (at + 2 > end) return undefined;
    const nameEnd = at + 2 + bytes.readUInt16BE(at);
    if (nameEnd + 2 > end) return undefined;
    const valueEnd = nameEnd + 2 + bytes.readUInt16BE(nameEnd);
    if (valueEnd > end) return undefined;
    headers[headerNames.text(bytes, at + 2, nameEnd)] = bytes.toString('utf8', nameEnd + 2, valueEnd);
    at = valueEnd;
  }
  return { body: bytes.subarray(dataStart), headers };
}
