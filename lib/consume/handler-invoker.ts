import { ExternalContextCreator, type ParamsFactory } from '@nestjs/core';
import type { MessageContext } from '../core/message-context.js';
import { withoutDuplicateErrorLogs } from './quiet-exceptions.js';

/** Nest stores @Payload() / @Ctx() under the route-arguments key with these RpcParamtype values. */
const ROUTE_ARGS_METADATA = '__routeArguments__';
const RPC_PAYLOAD = 3;
const RPC_CONTEXT = 6;

/** Maps @Payload() to the decoded payload (or one property of it) and @Ctx() to the MessageContext (a batch: the array of them). */
class MessageParamsFactory implements ParamsFactory {
  exchangeKeyForValue(type: number, data: unknown, args: [unknown, MessageContext]): unknown {
    if (type === RPC_PAYLOAD) {
      const payload = args[0] as Record<string, unknown> | undefined;
      return typeof data === 'string' && payload ? payload[data] : payload;
    }
    if (type === RPC_CONTEXT) return args[1];
    return undefined;
  }
}

/** `ctx` is one MessageContext, or for a batch handler the contexts of its messages. */
export type HandlerInvocation = (payload: unknown, ctx: MessageContext | readonly MessageContext[]) => Promise<unknown>;

/**
 * Wraps a handler method with Nest's external context, so the app's guards, interceptors,
 * pipes and exception filters apply to it as to an RPC handler (`context.getType() === 'rpc'`).
 * An error no filter of the app handles is not logged by Nest: nestream logs it (quiet-exceptions.ts).
 */
export function createHandlerInvocation(creator: ExternalContextCreator, instance: object, methodName: string): HandlerInvocation {
  const method = (instance as Record<string, (...args: unknown[]) => unknown>)[methodName]!;
  return withoutDuplicateErrorLogs(creator).create(instance, method, methodName, ROUTE_ARGS_METADATA, new MessageParamsFactory(), undefined, undefined, undefined, 'rpc');
}
