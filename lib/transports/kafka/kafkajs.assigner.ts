import type { GroupMemberAssignment, PartitionAssigner } from 'kafkajs';

type KafkajsModule = typeof import('kafkajs');

/** The protocol name members announce; a group whose members all know it uses it. */
export const SUBSCRIPTION_AWARE = 'NestreamSubscriptionAware';

/**
 * Round-robin over the members subscribed to each topic. kafkajs' own RoundRobinAssigner hands
 * the partitions of the leader's topics to every member, subscribed or not, so a group whose
 * members consume different topics (two services sharing a group name, two transports of one
 * app) leaves some partitions with a member that never handles them, and other topics with
 * nobody. Members list it first and kafkajs' round-robin second, so a group that still has
 * members without it (a rolling upgrade) agrees on round-robin.
 */
export function subscriptionAwareAssigner(kafkajs: KafkajsModule): PartitionAssigner {
  const { MemberMetadata, MemberAssignment } = kafkajs.AssignerProtocol;
  return ({ cluster }) => ({
    name: SUBSCRIPTION_AWARE,
    version: 0,
    async assign({ members }): Promise<GroupMemberAssignment[]> {
      const memberIds = members.map((m) => m.memberId).sort();
      const topicsOf = new Map(members.map((m) => [m.memberId, new Set(MemberMetadata.decode(m.memberMetadata)?.topics ?? [])]));
      // The leader's metadata covers its own topics only: ask for every member's.
      const topics = [...new Set([...topicsOf.values()].flatMap((t) => [...t]))].sort();
      await cluster.addMultipleTargetTopics(topics);
      const assignment = new Map(memberIds.map((id) => [id, {} as Record<string, number[]>]));
      let next = 0;
      for (const topic of topics) {
        const takers = memberIds.filter((id) => topicsOf.get(id)!.has(topic));
        const partitions = cluster.findTopicPartitionMetadata(topic).map((p) => p.partitionId).sort((a, b) => a - b);
        for (const partition of partitions) (assignment.get(takers[next++ % takers.length]!)![topic] ??= []).push(partition);
      }
      return memberIds.map((memberId) => ({
        memberId,
        memberAssignment: MemberAssignment.encode({ version: 0, assignment: assignment.get(memberId)!, userData: Buffer.alloc(0) }),
      }));
    },
    protocol({ topics }) {
      return { name: SUBSCRIPTION_AWARE, metadata: MemberMetadata.encode({ version: 0, topics, userData: Buffer.alloc(0) }) };
    },
  });
}
