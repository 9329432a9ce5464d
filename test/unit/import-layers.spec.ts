import { describe, expect, it } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import { importEdges, violation } from '../support/import-layers.js';

const LIB = fileURLToPath(new URL('../../lib/', import.meta.url));

describe('lib/ layering', () => {
  it('imports point one way: down the layers, transports only to core/ and the kit', () => {
    const edges = importEdges(LIB);
    expect(edges.length).toBeGreaterThan(100);
    expect(edges.map(violation).filter(Boolean)).toEqual([]);
  });

  it('the checker flags an upward import, a transport importing generic code, and generic code importing a broker', () => {
    expect(violation({ from: 'core/message.ts', to: 'config/nestream-options.js' })).toMatch(/higher layer config/);
    expect(violation({ from: 'transports/kafka/kafka.transport.ts', to: 'interceptors/retry.interceptor.js' })).toMatch(/only core/);
    expect(violation({ from: 'publishing/message-bus.ts', to: 'transports/kafka/index.js' })).toMatch(/broker code/);
    expect(violation({ from: 'consume/batch-gatherer.ts', to: 'core/transport.js' })).toBeUndefined();
    expect(violation({ from: 'transports/nats/nats.transport.ts', to: 'transports/kit/dispatcher.js' })).toBeUndefined();
  });
});
