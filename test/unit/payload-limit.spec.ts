import { describe, expect, it } from '@jest/globals';
import type { OutboundMessage } from '../../lib/core/message.js';
import { assertWithinLimit, messageSize, PayloadTooLargeError } from '../../lib/transports/kit/payload-limit.js';

const message = (body: string, headers: Record<string, string>, key?: string): OutboundMessage => ({ topic: 't', body: Buffer.from(body, 'utf8'), headers, key });

describe('assertWithinLimit', () => {
  // Multi-byte text, so a count in UTF-16 code units would be short of the bytes a broker counts.
  const cases = [
    message('x'.repeat(100), { 'x-a': 'plain' }),
    message('é'.repeat(50), { 'x-name': 'żółć'.repeat(20), 'x-emoji': '😀'.repeat(10) }, 'ключ'),
    message('', {}, '🔑'.repeat(5)),
  ];

  it.each(cases.map((m, i) => [i, m] as const))('case %i: accepts exactly up to its byte size and refuses one byte less', (_i, m) => {
    const size = messageSize(m);
    expect(() => assertWithinLimit(m, size, 'the limit')).not.toThrow();
    expect(() => assertWithinLimit(m, size - 1, 'the limit')).toThrow(PayloadTooLargeError);
    expect(() => assertWithinLimit(m, size - 1, 'the limit')).toThrow(`message to t is ${size} bytes, over the limit of ${size - 1} bytes; it was not sent`);
  });

  it('checks nothing without a limit', () => {
    expect(() => assertWithinLimit(cases[1]!, undefined, 'the limit')).not.toThrow();
    expect(() => assertWithinLimit(cases[1]!, 0, 'the limit')).not.toThrow();
  });
});
