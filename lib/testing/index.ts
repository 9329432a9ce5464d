export { TestBroker, type PublishedMessage } from './test-broker.js';
export { RecordingTransport } from './recording.transport.js';
export type { HandlerCall } from '../config/handler-observer.js';
