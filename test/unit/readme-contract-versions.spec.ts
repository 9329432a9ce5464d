import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import { Test } from '@nestjs/testing';
import { assertCompatible, getPublisherToken, type EventPublisher } from '../../lib/index.js';
import { eventually } from '../support/app-harness.js';
import { AppModule, Onboarding, UserCreatedV1, UserCreatedV2 } from '../../docs/examples/contracts/versions.js';

// docs/contracts.md shows this file (scripts/docs-examples.mjs keeps it in sync); here it runs.

describe('docs/contracts.md, "Contract versions"', () => {
  it('runs: a v1 producer, not yet moved, and a v2 one both reach the v2 consumer', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    try {
      await app.get<EventPublisher<UserCreatedV1>>(getPublisherToken(UserCreatedV1)).publish({ userId: 1, email: 'old@example.com' });
      await app.get<EventPublisher<UserCreatedV2>>(getPublisherToken(UserCreatedV2)).publish({ userId: 2, email: 'new@example.com', tier: 'pro' });
      const onboarding = app.get(Onboarding);
      await eventually(() => onboarding.tiers.length === 2, 'both events');
      expect([...onboarding.tiers].sort()).toEqual(['free (sent as v1)', 'pro (sent as v2)']);
    } finally {
      await app.close();
    }
  });

  it('without the upcaster, the check in step 4 names the property', () => {
    expect(() => assertCompatible(UserCreatedV1, UserCreatedV2)).toThrow("'tier': added as required");
  });
});
