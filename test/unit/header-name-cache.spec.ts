import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { decodeBinaryEnvelope, encodeBinaryEnvelope } from '../../lib/transports/redis/binary-envelope.js';
import { HeaderNameCache } from '../../lib/transports/redis/header-name-cache.js';

describe('HeaderNameCache', () => {
  it('gives the text of the bytes, for names it holds, names of equal length and names past its capacity', () => {
    const cache = new HeaderNameCache(2, 8);
    const bytes = Buffer.from('abc|abd|abc|héllo|toolongname|xyz|abd');
    const spans = [[0, 3], [4, 7], [8, 11], [12, 18], [19, 30], [31, 34], [35, 38]] as const;
    for (let round = 0; round < 2; round++) {
      expect(spans.map(([start, end]) => cache.text(bytes, start, end))).toEqual(['abc', 'abd', 'abc', 'héllo', 'toolongname', 'xyz', 'abd']);
    }
  });

  it('keeps envelopes round-tripping while names repeat, differ by a byte and outnumber it', () => {
    // A small alphabet makes names collide in length and prefix, so the cache's byte compare decides.
    const name = fc.string({ unit: fc.constantFrom('a', 'b', 'é', '🚀', '-'), minLength: 1, maxLength: 6 });
    const headers = fc.dictionary(name, fc.string({ maxLength: 20 }), { maxKeys: 8 });
    fc.assert(
      fc.property(headers, fc.uint8Array({ maxLength: 64 }), (given, body) => {
        const decoded = decodeBinaryEnvelope(encodeBinaryEnvelope(Buffer.from(body), given));
        expect(decoded?.headers).toEqual(given);
        expect(decoded?.body.equals(Buffer.from(body))).toBe(true);
      }),
      { seed: 64, numRuns: 2_000 },
    );
  });
});
