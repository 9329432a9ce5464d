import type { HandlerBinding, PublishTarget } from '../config/handler-binding.js';
import type { HandlerObserver } from '../config/handler-observer.js';
import type { MessageContext } from '../core/message-context.js';
import type { MessageBus } from '../publishing/message-bus.js';
import type { HandlerInvocation } from './handler-invoker.js';

/** The end of a chain: the payload (a batch: the payloads) and the context(s) go in, the method's result comes out. */
export type HandlerTerminal = (payload: unknown, ctx: MessageContext | readonly MessageContext[]) => Promise<unknown>;

/**
 * The method through Nest, observers (the test broker's spies) told of each run, and its
 * result published per @Publisher. A batch handler returns one result per event it produces:
 * each is published on its own.
 */
export function handlerTerminal(binding: HandlerBinding, invoke: HandlerInvocation, observers: readonly HandlerObserver[], bus: MessageBus): HandlerTerminal {
  const publishOne = (target: PublishTarget, result: unknown): Promise<void> =>
    target.contract ? bus.publishContract(target.contract, result, { transport: target.transport }) : bus.send(target.topic, result, { transport: target.transport });
  const publishResult = (result: unknown) => Promise.all(binding.publishTo.map((target) => publishOne(target, result)));
  const observe = (payload: unknown, ctx: MessageContext | readonly MessageContext[], outcome: { result?: unknown; error?: unknown }): void => {
    const call = Array.isArray(ctx) ? { handler: binding.id, payload, ctx: ctx[0]!, contexts: ctx } : { handler: binding.id, payload, ctx: ctx as MessageContext };
    for (const observer of observers) observer({ ...call, ...outcome });
  };
  // Nothing observes the method and nothing is published from its result: the method's own promise is the terminal's.
  if (observers.length === 0 && binding.publishTo.length === 0) return invoke;
  return async (payload, ctx) => {
    let result: unknown;
    try {
      result = await invoke(payload, ctx);
    } catch (error) {
      if (observers.length > 0) observe(payload, ctx, { error });
      throw error;
    }
    if (observers.length > 0) observe(payload, ctx, { result });
    if (result === undefined || binding.publishTo.length === 0) return result;
    if (Array.isArray(ctx) && Array.isArray(result)) await Promise.all(result.map(publishResult));
    else await publishResult(result);
    return result;
  };
}
