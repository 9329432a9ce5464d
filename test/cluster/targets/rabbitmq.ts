import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { RabbitTransport } from '../../../lib/transports/rabbitmq/index.js';
import type { ClusterNode, ClusterTarget } from '../cluster-target.js';
import { CLUSTER_DIR, clusterUp, killByPidFile, waitUntil } from './cluster-script.js';

const run = promisify(execFile);
const BIN = '/usr/lib/rabbitmq/bin'; // the unwrapped scripts (the /usr/sbin ones su to user rabbitmq)
const DIR = join(CLUSTER_DIR, 'rabbitmq');

/** As test/brokers/cluster.d/rabbitmq.sh starts them: nestream-c<i>@localhost, AMQP 25681 + i. */
const NODES: readonly ClusterNode[] = [1, 2, 3].map((i) => ({ id: `nestream-c${i}@localhost`, address: `amqp://guest:guest@127.0.0.1:${25681 + i}` }));

interface QueueRow {
  readonly name: string;
  readonly type: string;
  readonly leader?: string;
  readonly members?: string[];
  readonly online?: string[];
}

/**
 * Three RabbitMQ nodes, every group queue a quorum queue (replicated on all three, a publish
 * confirmed once a majority has it). The transport gets every node's URL and moves to the next
 * when its node dies. The leader of a topic's queue is what rabbitmqctl says it is.
 */
export const rabbitmqCluster: ClusterTarget = {
  name: 'rabbitmq',
  available: () => existsSync(join(BIN, 'rabbitmq-server')),
  address: NODES.map((node) => node.address).join(','),
  nodes: NODES,
  subscribeOptions: { queueType: 'quorum' },
  create: (address) =>
    new RabbitTransport({
      url: address.split(','),
      queueType: 'quorum',
      connectionName: 'nestream-cluster',
      connectTimeoutMs: 3_000,
      // A dead node refuses at once; the next one is tried in the same round.
      reconnect: { initialDelayMs: 100, maxDelayMs: 500 },
    }),

  async leaderOf(topic) {
    let leader: ClusterNode | undefined;
    await waitUntil(`a leader of the quorum queue of ${topic}`, 30_000, 200, async () => {
      const queue = (await queues()).find((row) => row.name.endsWith(`.${topic}`) && row.type === 'quorum');
      leader = NODES.find((node) => node.id === queue?.leader);
      return leader !== undefined;
    });
    return leader!;
  },

  kill: (node) => killByPidFile(join(DIR, shortName(node), 'beam.pid')),

  /** Starts the node again (the script boots only what is missing), then waits until every quorum queue has all its members online. */
  async restart(node) {
    await clusterUp('rabbitmq');
    await waitUntil(`${node.id} back in every quorum queue`, 60_000, 250, async () =>
      (await queues()).filter((row) => row.type === 'quorum').every((row) => (row.members ?? []).every((member) => (row.online ?? []).includes(member))),
    );
  },
};

/** nestream-c2@localhost → c2 (its directory under .brokers/cluster/rabbitmq). */
function shortName(node: ClusterNode): string {
  return /^nestream-(c\d)@/.exec(node.id)?.[1] ?? raise(`not a cluster node: ${node.id}`);
}

/** The queues with their leader and members, asked of the first node that answers. */
async function queues(): Promise<QueueRow[]> {
  let lastError: unknown;
  for (const node of NODES) {
    try {
      const { stdout } = await run(join(BIN, 'rabbitmqctl'), ['-n', node.id, '-q', 'list_queues', 'name', 'type', 'leader', 'members', 'online', '--formatter', 'json'], {
        env: ctlEnv(),
        timeout: 15_000,
      });
      return JSON.parse(stdout) as QueueRow[];
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

/** What rabbitmqctl needs to reach the cluster: its cookie (in the shared HOME) and loopback-only distribution. */
function ctlEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    HOME: join(DIR, 'home'),
    RABBITMQ_CTL_ERL_ARGS: '-kernel inet_dist_use_interface {127,0,0,1}',
    ERL_EPMD_ADDRESS: '127.0.0.1',
  };
}

function raise(message: string): never {
  throw new Error(message);
}
