import { describe, expect, it } from '@jest/globals';
import { EventEmitter } from 'node:events';
import type { FetchedBatch, GroupMemberInit } from '../../lib/transports/kafka/kafka.connection.js';
import { PlatformaticGroupMember, type PlatformaticModule } from '../../lib/transports/kafka/platformatic.group-member.js';

/**
 * The member's bookkeeping over @platformatic/kafka's consumer, driven by hand: the real client
 * against a real cluster is what test/cluster/scale-out.spec.ts runs (where a fetch from before a
 * rejoin answering after it lost events before this rule). Here the client is a stand-in that
 * emits what the real one emits, so the rule is checked on every run, not one run in three.
 */
class ClientStandIn extends EventEmitter {
  generationId = 1;
  assignments: { topic: string; partitions: number[] }[] | null = null;
  readonly stream = Object.assign(new EventEmitter(), { pause() {}, resume() {}, close: async () => {} });
  readonly commits: unknown[] = [];
  consume = async () => this.stream;
  commit = async (request: { offsets: unknown[] }) => void this.commits.push(...request.offsets);
  close = async () => {};

  /** A join as the client reports it: the new assignment is in place when the event fires. */
  join(generationId: number, partitions: number[]): void {
    this.generationId = generationId;
    this.assignments = [{ topic: 't', partitions }];
    this.emit('consumer:group:join', { assignments: this.assignments });
  }

  deliver(partition: number, offset: bigint, generationId = this.generationId): void {
    this.stream.emit('data', { topic: 't', partition, offset, leaderEpoch: 0, key: null, value: Buffer.from('{}'), headers: new Map(), timestamp: 0n, metadata: { consumer: { generationId } } });
  }
}

function member(): { client: ClientStandIn; batches: FetchedBatch[]; member: PlatformaticGroupMember } {
  const client = new ClientStandIn();
  const batches: FetchedBatch[] = [];
  const init: GroupMemberInit = {
    groupId: 'g',
    subscriptions: [{ topics: ['t'], fromBeginning: true }],
    partitionsConsumedConcurrently: 4,
    onBatch: async (batch) => void batches.push(batch),
    events: { joined: () => {}, rebalancing: () => {}, heartbeat: () => {}, crashed: () => {}, problem: () => {} },
  };
  const kafka = { Consumer: function Consumer() { return client; } } as unknown as PlatformaticModule;
  return { client, batches, member: new PlatformaticGroupMember(kafka, {} as never, init, async () => []) };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('PlatformaticGroupMember', () => {
  it('handles no message of a partition another member got at the last join, even one stamped with the new generation', async () => {
    const { client, batches, member: m } = member();
    await m.start();
    client.join(1, [0, 1]);
    client.join(2, [0]); // partition 1 went to another member
    client.deliver(1, 41n); // a fetch sent before the join, answered after it
    client.deliver(0, 7n);
    await settle();
    expect(batches.map((b) => [b.partition, b.messages.map((r) => r.offset)])).toEqual([[0, ['7']]]);
  });

  it('commits only the partitions it owns: Kafka would take a commit for the others and move their owner past unhandled messages', async () => {
    const { client, member: m } = member();
    await m.start();
    client.join(3, [0]);
    await m.commit([
      { topic: 't', partition: 0, offset: '8' },
      { topic: 't', partition: 1, offset: '42' },
    ]);
    expect(client.commits).toEqual([{ topic: 't', partition: 0, offset: 8n, leaderEpoch: -1 }]);
    await m.commit([{ topic: 't', partition: 1, offset: '43' }]);
    expect(client.commits).toHaveLength(1);
  });

  it('takes partitions assigned at a later join', async () => {
    const { client, batches, member: m } = member();
    await m.start();
    client.join(1, [0]);
    client.deliver(1, 5n);
    client.join(2, [0, 1]);
    client.deliver(1, 5n);
    await settle();
    expect(batches.map((b) => [b.partition, b.messages.map((r) => r.offset)])).toEqual([[1, ['5']]]);
  });
});
