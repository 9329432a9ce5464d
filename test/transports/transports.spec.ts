import { beforeEach, describe } from '@jest/globals';
import { loadTargets } from '../conformance/targets.js';
import { universalCases } from './universal.cases.js';

/** The transport-level suite for every target (NESTREAM_CONFORMANCE picks, as for the app-level suite). */
const wanted = process.env.NESTREAM_CONFORMANCE?.split(',').filter(Boolean);
const targets = (await loadTargets()).filter((t) => !wanted || wanted.includes(t.name));

for (const target of targets) {
  describe(`transport: ${target.name}`, () => {
    beforeEach(() => target.reset?.());
    universalCases(target);
  });
}
