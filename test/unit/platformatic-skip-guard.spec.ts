import { describe, expect, it } from '@jest/globals';
import { SkipGuard } from '../../lib/transports/kafka/platformatic.skip-guard.js';

describe('SkipGuard (what @platformatic/kafka must read again)', () => {
  it('lets everything through while nothing was let go', () => {
    const guard = new SkipGuard();
    expect(guard.check('t|0', 5n)).toBe('in-order');
    expect(guard.check('t|0', 6n)).toBe('in-order');
  });

  it('names a read past the lowest let-go offset a skip, until the stream reads that offset again', () => {
    const guard = new SkipGuard();
    guard.letGo('t|0', 12n);
    guard.letGo('t|0', 10n);
    guard.letGo('t|0', 11n);
    expect(guard.from('t|0')).toBe(10n);
    expect(guard.check('t|0', 20n)).toBe('skipped');
    expect(guard.check('t|0', 11n)).toBe('skipped');
    expect(guard.check('t|0', 8n)).toBe('read-again'); // the committed offset was before it: read again from there
    expect(guard.check('t|0', 20n)).toBe('in-order');
    expect(guard.from('t|0')).toBeUndefined();
  });

  it('keeps partitions apart', () => {
    const guard = new SkipGuard();
    guard.letGo('t|0', 10n);
    expect(guard.check('t|1', 50n)).toBe('in-order');
    expect(guard.check('u|0', 50n)).toBe('in-order');
    expect(guard.check('t|0', 10n)).toBe('read-again');
  });

  it('forgets partitions no longer assigned after a rejoin: their new owner reads them from the committed offset', () => {
    const guard = new SkipGuard();
    guard.letGo('t|0', 10n);
    guard.letGo('t|1', 10n);
    guard.keepOnly(new Set(['t|1']));
    expect(guard.check('t|0', 99n)).toBe('in-order');
    expect(guard.check('t|1', 99n)).toBe('skipped');
  });
});
