import type { MessageHeaders } from '../../core/headers.js';

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
  // Byte lengths first, then one buffer written in place: no intermediate buffer per name or value.
  let count = 0;
  let headersLength = 0;
  for (const name in headers) {
    count++;
    headersLength += 4 + byteLength(name, name) + byteLength(headers[name]!, name);
  }
  if (count > U16_MAX) throw new BinaryEnvelopeLimitError(`${count} headers; FastStream's binary envelope holds at most ${U16_MAX}`);
  const dataStart = HEADERS_START + 2 + headersLength;
  const out = Buffer.allocUnsafe(dataStart + body.length);
  BINARY_ENVELOPE_MAGIC.copy(out, 0);
  let at = out.writeUInt16BE(VERSION, BINARY_ENVELOPE_MAGIC.length);
  at = out.writeUInt32BE(HEADERS_START, at);
  at = out.writeUInt32BE(dataStart, at);
  at = out.writeUInt16BE(count, at);
  for (const name in headers) {
    at = writeString(out, name, at);
    at = writeString(out, headers[name]!, at);
  }
  body.copy(out, at);
  return out;
}

/** A u16 byte length, then the UTF-8 bytes; returns the offset after them. */
function writeString(out: Buffer, text: string, at: number): number {
  const written = out.write(text, at + 2, 'utf8');
  out.writeUInt16BE(written, at);
  return at + 2 + written;
}

function byteLength(text: string, header: string): number {
  const length = Buffer.byteLength(text, 'utf8');
  if (length > U16_MAX) {
    throw new BinaryEnvelopeLimitError(`header "${header.slice(0, 64)}" is ${length} bytes; FastStream's binary envelope holds at most ${U16_MAX} per name or value`);
  }
  return length;
}

export function isBinaryEnvelope(bytes: Buffer): boolean {
  return bytes.length >= HEADERS_START + 2 && bytes.subarray(0, BINARY_ENVELOPE_MAGIC.length).equals(BINARY_ENVELOPE_MAGIC);
}

/**
 * The body and headers of an envelope; undefined when `bytes` is not a version-1 envelope or is
 * cut short (the caller then treats the bytes as something else, as FastStream does).
 */
export function decodeBinaryEnvelope(bytes: Buffer): { body: Buffer; headers: MessageHeaders } | undefined {
  if (!isBinaryEnvelope(bytes) || bytes.readUInt16BE(BINARY_ENVELOPE_MAGIC.length) !== VERSION) return undefined;
  const headersStart = bytes.readUInt32BE(BINARY_ENVELOPE_MAGIC.length + 2);
  const dataStart = bytes.readUInt32BE(BINARY_ENVELOPE_MAGIC.length + 6);
  if (headersStart + 2 > bytes.length || dataStart > bytes.length) return undefined;
  const headers: MessageHeaders = {};
  let at = headersStart;
  const count = bytes.readUInt16BE(at);
  at += 2;
  const readString = (): string | undefined => {
    if (at + 2 > bytes.length) return undefined;
    const length = bytes.readUInt16BE(at);
    const end = at + 2 + length;
    if (end > bytes.length) return undefined;
    const text = bytes.toString('utf8', at + 2, end);
    at = end;
    return text;
  };
  for (let i = 0; i < count; i++) {
    const name = readString();
    const value = readString();
    if (name === undefined || value === undefined) return undefined;
    headers[name] = value;
  }
  return { body: bytes.subarray(dataStart), headers };
}
