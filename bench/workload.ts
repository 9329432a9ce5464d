// The benchmark's event: an order-created event of about 1 KB of JSON with a handful of
// fields, built the same way for every implementation so producer cost is identical.

export interface OrderCreatedEvent {
  orderId: string;
  /** 0-based sequence number: the receiver checks every one arrived exactly once. */
  seq: number;
  customerId: string;
  email: string;
  currency: string;
  amount: number;
  createdAt: string;
  /** performance.now() at publish; producer and consumer share the process, so latency is exact. */
  sentAt: number;
  shippingAddress: string;
  note: string;
}

const ADDRESS = 'Flat 4, 221B Baker Street, Marylebone, London NW1 6XE, United Kingdom; leave at the door, ring twice';
// Padding that makes the encoded event about 1 KB, like a real event with a free-text field.
const NOTE = 'Gift wrap please. '.repeat(36).trim();
const CREATED_AT = '2025-01-01T12:00:00.000Z';

export function makeOrder(seq: number, sentAt: number): OrderCreatedEvent {
  const hex = seq.toString(16).padStart(12, '0');
  return {
    orderId: `00000000-0000-4000-8000-${hex}`,
    seq,
    customerId: 'customer-42',
    email: 'ada@example.com',
    currency: 'EUR',
    amount: 123.45,
    createdAt: CREATED_AT,
    sentAt,
    shippingAddress: ADDRESS,
    note: NOTE,
  };
}

/** Bytes of one encoded event, for the report. */
export const EVENT_BYTES = Buffer.byteLength(JSON.stringify(makeOrder(0, 0)));
