/**
 * Broker answers after which an idempotent producer can send nothing more: its producer id or
 * epoch is gone or fenced, or its sequence numbers no longer match the broker's (what a broker
 * restart in the middle of a retried batch leaves). @platformatic/kafka recovers from some of
 * them by itself (see test/faults/producer-recreation.spec.ts); for the others its connection
 * drops that producer and makes a new one, which gets a new producer id. (The kafkajs connection
 * makes a new producer after any failed send, which covers these too.)
 */
export const FATAL_PRODUCER_ERRORS: ReadonlySet<string> = new Set([
  'OUT_OF_ORDER_SEQUENCE_NUMBER',
  'DUPLICATE_SEQUENCE_NUMBER',
  'INVALID_PRODUCER_EPOCH',
  'PRODUCER_FENCED',
  'UNKNOWN_PRODUCER_ID',
  'INVALID_PRODUCER_ID_MAPPING',
]);
