import { Headers, type Transport } from '../../../lib/index.js';

export interface Received {
  readonly id: string;
  readonly key?: string;
  readonly headers: Record<string, string>;
  readonly payload: { orderId: string; n: number };
}

/** A raw subscription that records what arrives (acking it), for checks on what the relay published. */
export class Probe {
  readonly received: Received[] = [];

  static async on(transport: Transport, topic: string, group: string, options: Record<string, unknown> = {}, concurrency = 1): Promise<Probe> {
    const probe = new Probe();
    await transport.subscribe({
      topic,
      group,
      concurrency,
      options,
      handler: async (delivery) => {
        const { message } = delivery;
        probe.received.push({ id: message.headers[Headers.messageId]!, key: message.key, headers: message.headers, payload: JSON.parse(message.body.toString()) });
        await delivery.ack();
      },
    });
    return probe;
  }

  ids(): Set<string> {
    return new Set(this.received.map((r) => r.id));
  }

  /** Keys whose events did not arrive in increasing `n` (repeats of an event already seen are skipped: at-least-once). */
  orderViolations(): string[] {
    const last = new Map<string, number>();
    const seen = new Set<string>();
    const bad = new Set<string>();
    for (const r of this.received) {
      if (seen.has(r.id)) continue;
      seen.add(r.id);
      const key = r.key ?? '';
      if ((last.get(key) ?? -1) >= r.payload.n) bad.add(key);
      last.set(key, r.payload.n);
    }
    return [...bad];
  }
}
