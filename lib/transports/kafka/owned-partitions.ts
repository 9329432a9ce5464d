import type { CommitPosition } from './kafka.connection.js';

/** How a partition is named in the members' maps and sets: `topic|partition`. */
export const partitionKey = (topic: string, partition: number): string => `${topic}|${partition}`;

/**
 * The partitions assigned to a group member at its last join: the only ones it may handle and
 * commit. Kafka takes an offset commit from any member of the current generation, owner or not,
 * so a commit (or a handled message) for a partition that went to another member would move that
 * member's position past messages nobody handled.
 */
export class OwnedPartitions {
  static readonly NONE = new OwnedPartitions([]);
  readonly keys: ReadonlySet<string>;

  constructor(assignment: Iterable<{ readonly topic: string; readonly partitions: readonly number[] }>) {
    const keys = new Set<string>();
    for (const { topic, partitions } of assignment) for (const partition of partitions) keys.add(partitionKey(topic, partition));
    this.keys = keys;
  }

  has(key: string): boolean {
    return this.keys.has(key);
  }

  /** The positions of owned partitions only. */
  committable(positions: readonly CommitPosition[]): CommitPosition[] {
    return positions.filter(({ topic, partition }) => this.keys.has(partitionKey(topic, partition)));
  }
}
