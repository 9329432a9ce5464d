import type { Context } from '@opentelemetry/api';
import type { MessageHeaders } from '../core/headers.js';
import { headerGetter, headerSetter } from './header-carrier.js';

type OtelApi = typeof import('@opentelemetry/api');

export const TRACEPARENT = 'traceparent';
export const TRACESTATE = 'tracestate';

const TRACEPARENT_FORMAT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(?:-.*)?$/;

/**
 * W3C Trace Context in message headers. The app's global propagator runs first (it may add
 * baggage, or use another format); `traceparent` / `tracestate` are then written here whatever
 * it did, so every nestream message carries them even when no SDK registered a propagator.
 */
export function injectTraceContext(api: OtelApi, context: Context, headers: MessageHeaders): void {
  // A dead-lettered copy keeps the headers it arrived with; its old parent must not survive.
  delete headers[TRACEPARENT];
  delete headers[TRACESTATE];
  api.propagation.inject(context, headers, headerSetter);
  const span = api.trace.getSpanContext(context);
  if (!span || !api.isSpanContextValid(span)) return;
  headers[TRACEPARENT] = `00-${span.traceId}-${span.spanId}-${(span.traceFlags & 0xff).toString(16).padStart(2, '0')}`;
  const state = span.traceState?.serialize();
  if (state) headers[TRACESTATE] = state;
  else delete headers[TRACESTATE];
}

/** The producer's context from the headers (a fresh root when there is none). */
export function extractTraceContext(api: OtelApi, headers: MessageHeaders): Context {
  const extracted = api.propagation.extract(api.ROOT_CONTEXT, headers, headerGetter);
  const fromGlobal = api.trace.getSpanContext(extracted);
  if (fromGlobal && api.isSpanContextValid(fromGlobal)) return extracted;
  const match = TRACEPARENT_FORMAT.exec(headerGetter.get(headers, TRACEPARENT) as string | undefined ?? '');
  if (!match || match[1] === 'ff') return extracted;
  const state = headerGetter.get(headers, TRACESTATE) as string | undefined;
  const spanContext = {
    traceId: match[2]!,
    spanId: match[3]!,
    traceFlags: parseInt(match[4]!, 16),
    isRemote: true,
    traceState: state ? api.createTraceState(state) : undefined,
  };
  return api.isSpanContextValid(spanContext) ? api.trace.setSpanContext(extracted, spanContext) : extracted;
}
