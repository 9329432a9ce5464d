// The README's and docs/ pages' code examples are the files under docs/examples/ (compiled by
// `npm run typecheck`), pasted in by scripts/docs-examples.mjs. This fails when a page drifts
// from its file, names a file that does not exist, or a file is shown nowhere.
import { describe, expect, it } from '@jest/globals';
import { syncAll } from '../../scripts/docs-examples.mjs';

describe('docs examples', () => {
  it('every example on a page is its file under docs/examples/, verbatim', () => {
    expect(syncAll({ write: false })).toEqual([]);
  });
});
