import 'reflect-metadata';
import { Controller, Injectable, Scope } from '@nestjs/common';
import { describe, expect, it } from '@jest/globals';
import { ConfigurationError, MemoryTransport, Publisher, Subscriber } from '../../lib/index.js';
import { bootApp } from '../support/app-harness.js';

/** Misconfiguration fails at startup, naming the class and method. */
describe('bootstrap errors', () => {
  it('names the handler subscribed to an unknown transport', async () => {
    @Controller()
    class Orders {
      @Subscriber('orders', { transport: 'kafkaa' })
      handle() {}
    }
    await expect(bootApp({ transports: { kafka: new MemoryTransport() } }, [Orders])).rejects.toThrow(
      new ConfigurationError("Orders.handle: unknown transport 'kafkaa'; configured transports: kafka"),
    );
  });

  it('names the handler publishing to an unknown transport', async () => {
    @Controller()
    class Bridge {
      @Subscriber('in')
      @Publisher('out', { transport: 'nats' })
      handle() {}
    }
    await expect(bootApp({}, [Bridge])).rejects.toThrow(/Bridge\.handle: unknown transport 'nats'/);
  });

  it('refuses a subscriber on a request-scoped provider', async () => {
    @Injectable({ scope: Scope.REQUEST })
    class Scoped {
      @Subscriber('orders')
      handle() {}
    }
    await expect(bootApp({}, [Scoped])).rejects.toThrow(/Scoped\.handle: @Subscriber cannot be used on a request-scoped/);
  });

  it('refuses a contract class without @EventContract', async () => {
    class NotAContract {}
    @Controller()
    class Uses {
      @Subscriber(NotAContract)
      handle() {}
    }
    await expect(bootApp({}, [Uses])).rejects.toThrow(/Uses\.handle: class NotAContract is used as an event contract but has no @EventContract/);
  });

  it.each([
    [{ concurrency: 0 }, /Bad\.handle: concurrency must be a positive integer, got 0/],
    [{ retry: { attempts: 0 } }, /Bad\.handle: retry\.attempts must be an integer ≥ 1, got 0/],
    [{ retry: { backoff: { jitter: 2 } } }, /Bad\.handle: retry\.backoff\.jitter/],
    [{ group: '' }, /Bad\.handle: group must be a non-empty string/],
    [{ ack: 'later' }, /Bad\.handle: ack must be one of after, before, manual/],
  ])('refuses invalid options %j', async (options, message) => {
    @Controller()
    class Bad {
      @Subscriber('orders', options as never)
      handle() {}
    }
    await expect(bootApp({}, [Bad])).rejects.toThrow(message);
  });

  it('refuses the same subscription twice', async () => {
    @Controller()
    class Twice {
      @Subscriber('orders')
      @Subscriber('orders')
      handle() {}
    }
    await expect(bootApp({}, [Twice])).rejects.toThrow(/Twice\.handle: subscribed twice to 'orders' on 'memory'/);
  });

  it('refuses a transport that is not a Transport', async () => {
    await expect(bootApp({ transports: { kafka: {} as never } }, [])).rejects.toThrow(/transport 'kafka' is not a Transport instance/);
  });

  it('refuses native retry on a transport without delayed redelivery', async () => {
    @Controller()
    class Native {
      @Subscriber('orders', { retry: { mode: 'native' } })
      handle() {}
    }
    await expect(bootApp({}, [Native])).rejects.toThrow(/Native\.handle: retry\.mode 'native' needs a transport with delayed redelivery/);
  });
});
