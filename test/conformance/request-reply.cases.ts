import { Controller } from '@nestjs/common';
import { expect, it } from '@jest/globals';
import { IsInt, IsString } from 'class-validator';
import { EventContract, MessageBus, RemoteHandlerError, RequestTimeoutError, Subscriber, TransportRegistry, type MessageContext, type Transport } from '../../lib/index.js';
import { CaseApps, itIf, topicFor } from './harness.js';
import type { ConformanceTarget } from './target.js';

/** Request/reply: replies typed and validated, remote errors, timeouts, no per-request leaks, correlation ids kept. */
export function requestReplyCases(target: ConformanceTarget, apps: CaseApps): void {
  const opts = target.subscribeOptions ?? {};
  const supported = typeof target.create().request === 'function';
  const timeoutMs = target.deliveryTimeoutMs ?? 5_000;

  const topic = topicFor('rpc');
  @EventContract(`${topic}.quote`)
  class QuoteRequested {
    @IsString() item!: string;
    @IsInt() quantity!: number;
  }
  @EventContract(`${topic}.quoted`)
  class Quoted {
    @IsString() item!: string;
    @IsInt() totalCents!: number;
    @IsString() correlationId!: string;
  }

  const boot = async () => {
    @Controller()
    class Pricing {
      @Subscriber(QuoteRequested, { transport: 't', transportOptions: opts })
      quote(event: QuoteRequested, ctx: MessageContext) {
        if (event.item === 'unknown') throw new RangeError(`no price for ${event.item}`);
        return { item: event.item, totalCents: event.quantity * 250, correlationId: ctx.correlationId };
      }

      @Subscriber(`${topic}.echo`, { transport: 't', transportOptions: opts })
      echo(payload: { i: number }) {
        return { i: payload.i };
      }

      @Subscriber(`${topic}.silent`, { transport: 't', transportOptions: opts })
      silent(payload: { bad: boolean }) {
        return payload.bad ? { item: 1 } : 'fine';
      }
    }
    const app = await apps.boot([Pricing]);
    return { bus: app.get(MessageBus), transport: app.get(TransportRegistry).get('t') as Transport };
  };

  itIf(supported, 'request/reply: resolves with the handler reply, validated and typed by the reply contract, correlation id kept', async () => {
    const { bus } = await boot();
    const reply = await bus.request(QuoteRequested, { item: 'tea', quantity: 4 }, { transport: 't', reply: Quoted, timeoutMs, correlationId: 'corr-rpc-1' });
    expect(reply).toBeInstanceOf(Quoted);
    const typed: Quoted = reply;
    expect(typed).toEqual(Object.assign(new Quoted(), { item: 'tea', totalCents: 1000, correlationId: 'corr-rpc-1' }));
    // Without a reply contract: the decoded payload.
    expect(await bus.request(`${topic}.echo`, { i: 7 }, { transport: 't', timeoutMs })).toEqual({ i: 7 });
    expect(await bus.request(`${topic}.silent`, { bad: false }, { transport: 't', timeoutMs })).toBe('fine');
    // A reply that breaks its contract rejects the caller's promise with the validation error.
    await expect(bus.request(`${topic}.silent`, { bad: true }, { transport: 't', timeoutMs, reply: Quoted })).rejects.toThrow(/failed validation/);
  });

  itIf(supported, 'request/reply: a handler error rejects with a RemoteHandlerError carrying its name and message, at once', async () => {
    const { bus } = await boot();
    const started = Date.now();
    const error = await bus.request(QuoteRequested, { item: 'unknown', quantity: 1 }, { transport: 't', timeoutMs }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteHandlerError);
    expect((error as RemoteHandlerError).name).toBe('RangeError');
    expect((error as RemoteHandlerError).message).toBe('no price for unknown');
    expect(Date.now() - started).toBeLessThan(timeoutMs);
    // A request its contract refuses: the validation error comes back the same way.
    const invalid = await bus.request(`${topic}.quote`, { item: 'tea', quantity: 'many' }, { transport: 't', timeoutMs }).catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(RemoteHandlerError);
    expect((invalid as RemoteHandlerError).name).toBe('MessageValidationError');
  });

  itIf(supported, 'request/reply: no reply rejects with a RequestTimeoutError naming the topic and the timeout', async () => {
    const { bus } = await boot();
    const nobody = `${topic}.nobody`;
    const error = await bus.request(nobody, { i: 1 }, { transport: 't', timeoutMs: 300 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestTimeoutError);
    expect((error as Error).message).toContain(nobody);
    expect((error as Error).message).toContain('300 ms');
  });

  itIf(supported, 'request/reply: 200 sequential and 100 concurrent requests, each its own reply, nothing left behind', async () => {
    const { bus, transport } = await boot();
    expect(await bus.request(`${topic}.echo`, { i: -1 }, { transport: 't', timeoutMs })).toEqual({ i: -1 });
    const before = await target.replyResources?.(transport);
    for (let i = 0; i < 200; i++) expect(await bus.request(`${topic}.echo`, { i }, { transport: 't', timeoutMs })).toEqual({ i });
    const replies = await Promise.all(Array.from({ length: 100 }, (_, i) => bus.request(`${topic}.echo`, { i }, { transport: 't', timeoutMs })));
    expect(replies).toEqual(Array.from({ length: 100 }, (_, i) => ({ i })));
    expect((transport as { pendingRequests?: number }).pendingRequests ?? 0).toBe(0);
    if (before !== undefined) expect(await target.replyResources!(transport)).toBe(before);
  });
}
