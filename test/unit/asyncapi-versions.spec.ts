import 'reflect-metadata';
import { Controller, Module } from '@nestjs/common';
import { Parser } from '@asyncapi/parser';
import { describe, expect, it } from '@jest/globals';
import { NestreamAsyncApi, NestreamModule, Subscriber } from '../../lib/index.js';
import { UserCreatedV3, v1ToV2, v2ToV3 } from '../support/versioned-contracts.js';

@Controller()
class Onboarding {
  // Takes v3; v1 and v2 still arrive on the topic and are upcast (v1 → v2 → v3).
  @Subscriber(UserCreatedV3, { group: 'onboarding' })
  onUserCreated() {}
}

describe('AsyncAPI document of a versioned event', () => {
  it('lists every version a subscriber takes on its channel, each as its own message with its version and schema', async () => {
    @Module({
      imports: [NestreamModule.forRoot({ serviceName: 'users', upcasters: [v1ToV2, v2ToV3] })],
      controllers: [Onboarding],
    })
    class UsersModule {}
    const doc = await NestreamAsyncApi.fromModule(UsersModule);

    const channel = doc.channels['memory.user.created']!;
    const refs = Object.values(channel.messages ?? {}).map((m) => (m as { $ref: string }).$ref.split('/').pop());
    const versions = refs.map((name) => doc.components.messages[name!]!['x-nestream-event-version']);
    expect(versions.sort()).toEqual(['v1', 'v2', 'v3']);
    // Each version's payload is its own contract's schema: v2 requires `tier`, v1 does not know it.
    const schemaOf = (version: string) => {
      const name = refs.find((n) => doc.components.messages[n!]!['x-nestream-event-version'] === version)!;
      const ref = (doc.components.messages[name]!.payload as { $ref: string }).$ref.split('/').pop()!;
      return doc.components.schemas[ref] as { required?: string[]; properties: Record<string, unknown> };
    };
    expect(schemaOf('v1').properties).not.toHaveProperty('tier');
    expect(schemaOf('v2').required).toContain('tier');
    expect(schemaOf('v3').properties).toHaveProperty('region');

    const { diagnostics } = await new Parser().parse(JSON.stringify(doc));
    expect(diagnostics.filter((d) => d.severity <= 1).map((d) => `${d.code}: ${d.message} at ${d.path.join('.')}`)).toEqual([]);
  });
});
