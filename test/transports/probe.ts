import type { Delivery, InboundMessage, Subscription, Transport } from '../../lib/index.js';
import { sleep } from '../conformance/harness.js';
import type { ConformanceTarget } from '../conformance/target.js';

/** What a probe does with each delivery: settle it (or not) and say how. */
export type ProbeBehaviour = (delivery: Delivery, seen: number) => Promise<void>;

export const ackAll: ProbeBehaviour = (delivery) => delivery.ack();

/** A raw subscription at the Transport level (no Nest, no chain), recording what arrives. */
export class Probe {
  readonly received: InboundMessage[] = [];
  private subscription?: Subscription;

  constructor(
    private readonly target: ConformanceTarget,
    readonly transport: Transport,
  ) {}

  static async open(target: ConformanceTarget, transport: Transport, topic: string, group: string, behaviour: ProbeBehaviour = ackAll, concurrency = 5): Promise<Probe> {
    const probe = new Probe(target, transport);
    await transport.connect();
    const counts = new Map<string, number>();
    probe.subscription = await transport.subscribe({
      topic,
      group,
      concurrency,
      options: target.subscribeOptions ?? {},
      handler: async (delivery) => {
        probe.received.push(delivery.message);
        const body = delivery.message.body.toString();
        const seen = (counts.get(body) ?? 0) + 1;
        counts.set(body, seen);
        await behaviour(delivery, seen);
      },
    });
    await sleep(target.subscribeSettleMs ?? 0);
    return probe;
  }

  /** Distinct bodies received, as strings. */
  bodies(): Set<string> {
    return new Set(this.received.map((m) => m.body.toString()));
  }

  close(): Promise<void> {
    return this.subscription?.close() ?? Promise.resolve();
  }
}

/** Publishes `count` messages `${prefix}${i}` with an `x-n` header, keyed as `keyOf` says. */
export async function publishMany(transport: Transport, topic: string, count: number, prefix = 'm', keyOf: (i: number) => string | undefined = () => undefined): Promise<string[]> {
  await transport.connect();
  const bodies: string[] = [];
  for (let i = 0; i < count; i++) {
    const body = `${prefix}${i}`;
    bodies.push(body);
    await transport.publish({ topic, body: Buffer.from(body), headers: { 'x-n': String(i), 'content-type': 'text/plain' }, key: keyOf(i) });
  }
  return bodies;
}
