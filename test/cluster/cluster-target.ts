import type { Transport } from '../../lib/core/transport.js';

/** One node of a test cluster, as `test/brokers/cluster` starts it (see cluster.d/<broker>.sh). */
export interface ClusterNode {
  /** As the broker names it: Kafka's node id, the NATS server name, the RabbitMQ node, the Redis port. */
  readonly id: string;
  /** host:port (or URL) a client connects to. */
  readonly address: string;
}

/**
 * A broker's cluster as the cluster suite drives it: where clients connect, which node leads a
 * topic's partition / stream / queue / slot, and how to kill that node (SIGKILL, nothing
 * flushed) and bring it back. The consumer child (test/faults/consumer-child.ts) finds a target
 * by name through this module's `targetNamed`, so `create` must work in a child process too.
 */
export interface ClusterTarget {
  /** kafka, kafka-platformatic, jetstream, rabbitmq, redis-streams. */
  readonly name: string;
  /** Whether the servers are installed (test/brokers/up ran); a missing one skips, it does not fail. */
  available(): boolean;
  /** Every node, as clients are given them (seed list, URL list). */
  readonly address: string;
  readonly nodes: readonly ClusterNode[];
  /** A transport with the options a cluster needs (replication, quorum queues, Redis Cluster, ...). */
  create(address: string): Transport;
  readonly subscribeOptions?: Readonly<Record<string, unknown>>;
  /** Waits until `topic`'s partition / stream / queue / slot has a leader, and names it. Call after the first publish made it. */
  leaderOf(topic: string): Promise<ClusterNode>;
  /** SIGKILL of the node's process. */
  kill(node: ClusterNode): Promise<void>;
  /** Starts the node again with its data; resolves once it has rejoined the cluster. */
  restart(node: ClusterNode): Promise<void>;
  /** The events (`i`) the topic holds, read from its start apart from the app: tells a lost publish from a lost delivery. */
  stored?(topic: string): Promise<ReadonlySet<number>>;
}
