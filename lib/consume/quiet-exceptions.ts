import type { ArgumentsHost } from '@nestjs/common';
import type { ExternalContextCreator } from '@nestjs/core';

/** The part of Nest's ExternalExceptionsHandler this file relies on. */
interface ExceptionsHandler {
  next(exception: unknown, host: ArgumentsHost): unknown;
  invokeCustomFilters?(exception: unknown, host: ArgumentsHost): unknown;
}

interface FiltersContextCreator {
  create(...args: unknown[]): ExceptionsHandler;
}

const quietCreators = new WeakMap<ExternalContextCreator, ExternalContextCreator>();

/**
 * The app's context creator, except that an error no exception filter of the app handled is
 * rethrown without Nest's `[ExceptionsHandler]` ERROR line: nestream logs every handler error
 * itself (a WARN per retry, one ERROR with the stack per dead letter), and Nest's line came on
 * top of each attempt. The app's own filters (global, controller, method) still run first, as
 * before. It reads one field Nest keeps private (`filtersContextCreator`); should that ever
 * change, handlers run with Nest's unchanged creator and its extra line comes back, nothing else.
 */
export function withoutDuplicateErrorLogs(creator: ExternalContextCreator): ExternalContextCreator {
  const known = quietCreators.get(creator);
  if (known) return known;
  const filters = (creator as unknown as { filtersContextCreator?: FiltersContextCreator }).filtersContextCreator;
  let quiet = creator;
  if (filters && typeof filters.create === 'function') {
    // A view of the creator with its own filters context; every other field and method is the creator's.
    quiet = Object.create(creator) as ExternalContextCreator;
    const quietFilters: FiltersContextCreator = { create: (...args) => rethrowUnhandled(filters.create(...args)) };
    Object.defineProperty(quiet, 'filtersContextCreator', { value: quietFilters });
  }
  quietCreators.set(creator, quiet);
  return quiet;
}

function rethrowUnhandled(handler: ExceptionsHandler): ExceptionsHandler {
  const invokeCustomFilters = handler.invokeCustomFilters;
  if (typeof invokeCustomFilters !== 'function') return handler;
  return {
    next(exception, host) {
      const handled = invokeCustomFilters.call(handler, exception, host);
      // Nest 11 answers null and Nest 12 undefined for "no filter took it".
      if (handled === undefined || handled === null) throw exception;
      return handled;
    },
  };
}
