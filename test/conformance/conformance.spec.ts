import { afterEach, beforeEach, describe } from '@jest/globals';
import { batchCases } from './batch.cases.js';
import { deliveryCases } from './delivery.cases.js';
import { failureCases } from './failure.cases.js';
import { CaseApps } from './harness.js';
import { lifecycleCases } from './lifecycle.cases.js';
import { observabilityCases } from './observability.cases.js';
import { loadTargets } from './targets.js';
import { versionCases } from './versions.cases.js';
import { requestReplyCases } from './request-reply.cases.js';

/**
 * The one suite every transport runs. NESTREAM_CONFORMANCE picks targets (comma-separated
 * names; default: all). Which cases exist for a target follows its capability flags.
 */
const wanted = process.env.NESTREAM_CONFORMANCE?.split(',').filter(Boolean);
const targets = (await loadTargets()).filter((t) => !wanted || wanted.includes(t.name));
if (wanted && targets.length !== wanted.length) throw new Error(`Unknown conformance target in NESTREAM_CONFORMANCE=${wanted.join(',')}`);

for (const target of targets) {
  describe(`conformance: ${target.name}`, () => {
    const apps = new CaseApps(target);
    beforeEach(() => target.reset?.());
    afterEach(() => apps.close(), 60_000);
    deliveryCases(target, apps);
    failureCases(target, apps);
    lifecycleCases(target, apps);
    observabilityCases(target, apps);
    batchCases(target, apps);
    versionCases(target, apps);
    requestReplyCases(target, apps);
  });
}
