import { describe, expect, it } from '@jest/globals';
import { isDateString, isISO8601 } from 'class-validator';
import fc from 'fast-check';
import { checkFor } from '../../lib/contracts/rule-checks.js';

// The compiled IsISO8601/IsDateString checks accept toISOString()'s shape without validator.js;
// these strings sit on and around that shape (any digit in every place, a few separators and
// zones swapped) so the shortcut's edges are compared with class-validator's own verdict.
const digits = (count: number) => fc.stringMatching(new RegExp(`^\\d{${count}}$`));
const nearCanonical = fc
  .tuple(digits(4), digits(2), digits(2), fc.constantFrom('T', ' ', 't'), digits(2), digits(2), digits(2), fc.constantFrom('.', ','), digits(3), fc.constantFrom('Z', 'z', '+02:00', ''))
  .map(([year, month, day, separator, hour, minute, second, mark, millis, zone]) => `${year}-${month}-${day}${separator}${hour}:${minute}:${second}${mark}${millis}${zone}`);

const cases: Array<[string, (value: unknown, options?: object) => boolean]> = [
  ['isIso8601', isISO8601],
  ['isDateString', isDateString],
];

describe.each(cases)('compiled %s', (constraint, reference) => {
  it.each([[undefined], [{ strict: true }], [{ strictSeparator: true }], [{ strict: true, strictSeparator: true }]])('gives class-validator verdict with options %j', (options) => {
    const check = checkFor(constraint, options === undefined ? [] : [options])!;
    fc.assert(
      fc.property(nearCanonical, (value) => check(value) === reference(value, options)),
      { seed: 8601, numRuns: 2_000 },
    );
  });

  it('rejects what is not a string, as class-validator does', () => {
    const check = checkFor(constraint, [])!;
    for (const value of [null, undefined, 0, new Date(0), new String('2025-01-01T00:00:00.000Z'), ['2025-01-01T00:00:00.000Z']]) {
      expect(check(value)).toBe(false);
      expect(reference(value)).toBe(false);
    }
  });

  it('accepts toISOString() output, and refuses an impossible date only when strict', () => {
    expect(checkFor(constraint, [])!(new Date(1_700_000_000_123).toISOString())).toBe(true);
    expect(checkFor(constraint, [])!('2025-02-30T00:00:00.000Z')).toBe(true);
    expect(checkFor(constraint, [{ strict: true }])!('2025-02-30T00:00:00.000Z')).toBe(false);
  });
});
