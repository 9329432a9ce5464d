import type { GroupPartitionsAssigner, GroupPartitionsAssignments } from '@platformatic/kafka';
import { SUBSCRIPTION_AWARE } from './kafkajs.assigner.js';

/**
 * The protocols a member announces, best first: nestream's own (the one kafkajs members of
 * nestream announce too, so the two clients share a group) and kafkajs' round-robin (so a
 * group that still has plain kafkajs members agrees on it). Either way the leader assigns
 * with `subscriptionAwareAssigner`, which is a valid round-robin.
 */
export const PROTOCOLS = [
  { name: SUBSCRIPTION_AWARE, version: 0 },
  { name: 'RoundRobinAssigner', version: 0 },
];

/**
 * Round-robin over the members subscribed to each topic. `@platformatic/kafka`'s own
 * round-robin hands the leader's topics to every member, subscribed or not (as kafkajs' does,
 * see kafkajs.assigner.ts). The metadata it is given covers every member's topics.
 */
export const subscriptionAwareAssigner: GroupPartitionsAssigner = (_current, members, _topics, metadata) => {
  const memberIds = [...members.keys()].sort();
  const topicsOf = new Map(memberIds.map((id) => [id, new Set(members.get(id)?.topics ?? [])]));
  const topics = [...new Set([...topicsOf.values()].flatMap((t) => [...t]))].filter((t) => metadata.topics.has(t)).sort();
  const result: GroupPartitionsAssignments[] = memberIds.map((memberId) => ({ memberId, assignments: new Map() }));
  let next = 0;
  for (const topic of topics) {
    const takers = result.filter((r) => topicsOf.get(r.memberId)!.has(topic));
    const count = metadata.topics.get(topic)!.partitionsCount;
    for (let partition = 0; partition < count; partition++) {
      const { assignments } = takers[next++ % takers.length]!;
      let assignment = assignments.get(topic);
      if (!assignment) assignments.set(topic, (assignment = { topic, partitions: [] }));
      assignment.partitions.push(partition);
    }
  }
  return result;
};
