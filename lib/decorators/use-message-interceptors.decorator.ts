import type { MessageInterceptor } from '../core/interceptor.js';
import { INTERCEPTORS_METADATA } from '../config/constants.js';
import { appendMetadata } from './append-metadata.js';

/** Adds message interceptors to one handler (inside retry, after the module's own). */
export function UseMessageInterceptors(...interceptors: MessageInterceptor[]): MethodDecorator {
  return (_prototype, _method, descriptor) => {
    for (const interceptor of interceptors) appendMetadata(INTERCEPTORS_METADATA, interceptor, descriptor.value as object);
    return descriptor;
  };
}
