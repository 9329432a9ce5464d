import type { ExternalContextCreator, ParamsFactory } from '@nestjs/core';
import type { HandlerInvocation } from './handler-invoker.js';

/** Where Nest keeps what enhances a class or a method (`@UseGuards()`, `@UsePipes()`, ...). */
const ENHANCER_METADATA = ['__guards__', '__interceptors__', '__pipes__', '__exceptionFilters__'] as const;

/** The part of Nest's ApplicationConfig read here: the app's global enhancers, static and request-scoped. */
interface GlobalEnhancers {
  getGlobalGuards(): unknown[];
  getGlobalInterceptors(): unknown[];
  getGlobalPipes(): unknown[];
  getGlobalFilters(): unknown[];
  getGlobalRequestGuards(): unknown[];
  getGlobalRequestInterceptors(): unknown[];
  getGlobalRequestPipes(): unknown[];
  getGlobalRequestFilters(): unknown[];
}
const GLOBAL_GETTERS = [
  'getGlobalGuards',
  'getGlobalInterceptors',
  'getGlobalPipes',
  'getGlobalFilters',
  'getGlobalRequestGuards',
  'getGlobalRequestInterceptors',
  'getGlobalRequestPipes',
  'getGlobalRequestFilters',
] as const satisfies readonly (keyof GlobalEnhancers)[];

interface RawParam {
  pipes?: unknown[];
}

/**
 * The handler called without Nest's external context, for a method nothing enhances: no guard,
 * interceptor, pipe or exception filter on the app, the class or the method, and no pipe on a
 * parameter. Nest would then only resolve the parameters and call the method, through a guard
 * step, an interceptor step, a pipes step and an error proxy that each do nothing (about 4 % of
 * a NATS message's CPU). Parameters are resolved by Nest's own extractors (built once here by
 * `getMetadata`), so `@Payload()`, `@Ctx()` and custom parameter decorators give the same values;
 * an Observable result is awaited as Nest does; errors reach the chain as thrown (with no filter,
 * Nest's proxy rethrows them: quiet-exceptions.ts). Undefined when the method needs the full
 * context, or when Nest's creator is not shaped as this file expects: then Nest's path is used.
 *
 * Enhancers are read when the handler is bound (at application bootstrap), as Nest's `create()`
 * reads them: one registered later applies to neither path.
 */
export function plainInvocation(creator: ExternalContextCreator, instance: object, methodName: string, paramsFactory: ParamsFactory, metadataKey: string): HandlerInvocation | undefined {
  const config = (creator as unknown as { container?: { applicationConfig?: Partial<GlobalEnhancers> } }).container?.applicationConfig;
  if (!config || !GLOBAL_GETTERS.every((getter) => typeof config[getter] === 'function')) return undefined;
  if (GLOBAL_GETTERS.some((getter) => nonEmpty(config[getter]!()))) return undefined;

  const method = (instance as Record<string, (...args: unknown[]) => unknown>)[methodName]!;
  const classRef = instance.constructor;
  if (ENHANCER_METADATA.some((key) => nonEmpty(Reflect.getMetadata(key, classRef)) || nonEmpty(Reflect.getMetadata(key, method)))) return undefined;

  const raw = (Reflect.getMetadata(metadataKey, classRef, methodName) ?? {}) as Record<string, RawParam>;
  if (Object.values(raw).some((param) => nonEmpty(param.pipes))) return undefined;
  if (typeof creator.getMetadata !== 'function' || typeof creator.getContextModuleKey !== 'function' || typeof creator.transformToResult !== 'function') return undefined;
  const { argsLength, getParamsMetadata } = creator.getMetadata(instance, methodName, metadataKey, paramsFactory, 'rpc');
  const params = (getParamsMetadata(creator.getContextModuleKey(classRef)) ?? []) as { index: number; extractValue: (...args: unknown[]) => unknown; pipes: unknown[] }[];
  // Nest found the parameters elsewhere than this file looked (a mixin, a proxied class): its path.
  if (params.length !== Object.keys(raw).length || params.some((param) => nonEmpty(param.pipes))) return undefined;

  // Nest awaits the method's value and turns an Observable into its last value (transformToResult);
  // only a value that may be an Observable pays for that call.
  const result = (value: unknown) => (mayBeObservable(value) ? (creator.transformToResult(value) as Promise<unknown>) : value);
  const settled = (value: unknown): Promise<unknown> => (isThenable(value) ? Promise.resolve(value).then(result) : Promise.resolve(result(value)));
  // No parameter decorator: Nest passes the arguments as they came.
  if (params.length === 0) return (payload, ctx) => settled(method.call(instance, payload, ctx));
  return async (payload, ctx) => {
    const args = new Array<unknown>(argsLength).fill(undefined);
    for (const param of params) {
      const value = param.extractValue(payload, ctx);
      // Nest awaits each parameter's value (a custom decorator may give a promise).
      args[param.index] = isThenable(value) ? await value : value;
    }
    return result(await method.apply(instance, args));
  };
}

/** What rxjs's isObservable (Nest's check) could accept: anything with a `subscribe` method. */
function mayBeObservable(value: unknown): boolean {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as { subscribe?: unknown }).subscribe === 'function';
}

function nonEmpty(list: unknown): boolean {
  return Array.isArray(list) && list.length > 0;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as { then?: unknown }).then === 'function';
}
