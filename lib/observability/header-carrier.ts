import type { TextMapGetter, TextMapSetter } from '@opentelemetry/api';
import type { MessageHeaders } from '../core/headers.js';

/** How OpenTelemetry propagators read message headers (keys as the transport delivered them). */
export const headerGetter: TextMapGetter<MessageHeaders> = {
  keys: (headers) => Object.keys(headers),
  get: (headers, key) => headers[key] ?? headers[key.toLowerCase()],
};

/** How OpenTelemetry propagators write outbound message headers. */
export const headerSetter: TextMapSetter<MessageHeaders> = {
  set: (headers, key, value) => {
    headers[key] = value;
  },
};
