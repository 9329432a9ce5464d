// Tests run as native ESM (Nest 12 is ESM-only). ts-jest transpiles each file on its own
// (tsconfig.jest.json: isolatedModules), keeping the legacy decorators and their design-type
// metadata that Nest's DI and class-validator need; type checking is `npm run typecheck`.
const common = {
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/tsconfig.jest.json' }] },
  moduleNameMapper: {
    '^(\\.{1,2}/.*)\\.js$': '$1',
    // docs/examples import nestream as a user would; tests that run an example get lib/.
    '^nestream$': '<rootDir>/lib/index.ts',
    '^nestream/testing$': '<rootDir>/lib/testing/index.ts',
    '^nestream/(kafka|nats|rabbitmq|redis)$': '<rootDir>/lib/transports/$1/index.ts',
    '^nestream/(health|outbox)$': '<rootDir>/lib/$1/index.ts',
  },
  testEnvironment: 'node',
};

export default {
  // Broker cases wait on real servers (Kafka group joins take seconds); each bounds its own waits.
  testTimeout: 180_000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.spec.ts', '<rootDir>/test/e2e/**/*.spec.ts'] },
    { ...common, displayName: 'conformance', testMatch: ['<rootDir>/test/conformance/**/*.spec.ts'] },
    { ...common, displayName: 'transports', testMatch: ['<rootDir>/test/transports/**/*.spec.ts'] },
    { ...common, displayName: 'brokers', testMatch: ['<rootDir>/test/brokers/**/*.spec.ts'] },
    { ...common, displayName: 'outbox', testMatch: ['<rootDir>/test/outbox/**/*.spec.ts'] },
    // Apps built from the packed tarball (npm pack, npm install from the registry).
    { ...common, displayName: 'packaging', testMatch: ['<rootDir>/test/packaging/**/*.spec.ts'] },
    { ...common, displayName: 'dead-letters', testMatch: ['<rootDir>/test/dead-letters/**/*.spec.ts'] },
    // Real FastStream (python, from scripts/faststream.sh's venv) against nestream on every broker.
    { ...common, displayName: 'interop', testMatch: ['<rootDir>/test/interop/**/*.spec.ts'] },
    // Private brokers restarted and consumers killed: only under `npm run test:faults` (test/faults/run.mjs), not `npm test`.
    ...(process.env.NESTREAM_FAULTS ? [{ ...common, displayName: 'faults', testMatch: ['<rootDir>/test/faults/**/*.spec.ts'] }] : []),
    // Three-node broker clusters with a node killed under load: only under `npm run test:cluster` (test/cluster/run.mjs).
    ...(process.env.NESTREAM_CLUSTER ? [{ ...common, displayName: 'cluster', testMatch: ['<rootDir>/test/cluster/**/*.spec.ts'] }] : []),
  ],
};
