import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import amqp, { type Channel, type ChannelModel } from 'amqplib';
import type { Delivery, OutboundMessage } from '../../lib/core/message.js';
import type { Transport } from '../../lib/core/transport.js';

const run = promisify(execFile);

export function uid(): string {
  return randomUUID().slice(0, 8);
}

import { sleep } from '../support/poll.js';

export { eventually, sleep } from '../support/poll.js';

/** At-least-once on the producer side: a publish the broker did not confirm is tried again. */
export async function publishUntilConfirmed(transport: Transport, message: OutboundMessage, attempts: number, pauseMs: number): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await transport.publish(message);
    } catch (error) {
      if (attempt >= attempts) throw error;
      await sleep(pauseMs);
    }
  }
}

/** Deliveries a handler received, with a way to wait for a count. */
export class Inbox {
  readonly deliveries: Delivery[] = [];
  private waiters: { count: number; resolve: () => void }[] = [];

  push(delivery: Delivery): void {
    this.deliveries.push(delivery);
    this.waiters = this.waiters.filter((waiter) => {
      if (this.deliveries.length < waiter.count) return true;
      waiter.resolve();
      return false;
    });
  }

  async waitFor(count: number, timeoutMs = 15_000): Promise<Delivery[]> {
    if (this.deliveries.length < count) {
      await new Promise<void>((resolvePromise, reject) => {
        const timer = setTimeout(() => reject(new Error(`expected ${count} deliveries, got ${this.deliveries.length}`)), timeoutMs);
        this.waiters.push({ count, resolve: () => (clearTimeout(timer), resolvePromise()) });
      });
    }
    return this.deliveries.slice(0, count);
  }
}

/** A plain amqplib connection for looking at queues from the outside. */
export class BrokerAdmin {
  private constructor(private readonly model: ChannelModel) {}

  static async connect(url: string): Promise<BrokerAdmin> {
    return new BrokerAdmin(await amqp.connect(url));
  }

  /** A channel per call: a 404 closes the channel it happened on. */
  private async withChannel<T>(use: (channel: Channel) => Promise<T>): Promise<T> {
    const channel = await this.model.createChannel();
    channel.on('error', () => undefined);
    try {
      return await use(channel);
    } finally {
      await channel.close().catch(() => undefined);
    }
  }

  /** `{ messageCount, consumerCount }`, or undefined when the queue does not exist. */
  async queue(name: string): Promise<{ messageCount: number; consumerCount: number } | undefined> {
    return this.withChannel((channel) => channel.checkQueue(name)).catch(() => undefined);
  }

  async deleteQueue(name: string): Promise<void> {
    await this.withChannel((channel) => channel.deleteQueue(name)).catch(() => undefined);
  }

  async get(queue: string): Promise<amqp.GetMessage | false> {
    return this.withChannel((channel) => channel.get(queue, { noAck: true }));
  }

  /** Publishes as a non-nestream producer would: AMQP properties only, no nestream headers. */
  async publishRaw(exchange: string, routingKey: string, body: Buffer, options: amqp.Options.Publish): Promise<void> {
    await this.withChannel(async (channel) => {
      channel.publish(exchange, routingKey, body, options);
    });
  }

  async close(): Promise<void> {
    await this.model.close().catch(() => undefined);
  }
}

/**
 * Runs rabbitmqctl against the shared test broker (the node `test/brokers/up` started, or
 * NESTREAM_RABBITMQ_NODE), with the Erlang cookie it uses: ours when test/brokers/up started
 * the broker from this checkout, else Debian's (up copies it, so a broker started from another
 * checkout shares it).
 */
export async function rabbitmqctl(...args: string[]): Promise<string> {
  const dir = resolve(process.cwd(), '.brokers/rabbitmq');
  const env = {
    ...process.env,
    HOME: existsSync(`${dir}/home/.erlang.cookie`) ? `${dir}/home` : existsSync('/var/lib/rabbitmq/.erlang.cookie') ? '/var/lib/rabbitmq' : process.env.HOME,
    RABBITMQ_CTL_ERL_ARGS: '-kernel inet_dist_use_interface {127,0,0,1}',
    ERL_EPMD_ADDRESS: '127.0.0.1',
  };
  const ctl = existsSync('/usr/lib/rabbitmq/bin/rabbitmqctl') ? '/usr/lib/rabbitmq/bin/rabbitmqctl' : 'rabbitmqctl';
  const node = process.env.NESTREAM_RABBITMQ_NODE ?? 'nestream@localhost';
  const { stdout } = await run(ctl, ['-n', node, '-q', ...args], { env, timeout: 30_000 });
  return stdout;
}

/**
 * Closes, from the broker's side, the connections that carry `connectionName` (rabbitmqctl
 * close_connection): the broker stays up for everyone else, and the client sees the same
 * connection loss as in a broker restart.
 */
export async function closeConnectionsFromBroker(connectionName: string): Promise<number> {
  const stdout = await rabbitmqctl('list_connections', 'pid', 'client_properties');
  const pids = stdout
    .split('\n')
    .filter((line) => line.includes(`{"connection_name","${connectionName}"}`))
    .map((line) => line.split('\t')[0]!);
  for (const pid of pids) await rabbitmqctl('close_connection', pid, 'nestream test: connection closed by broker');
  return pids.length;
}

/**
 * Messages each queue holds, ready or delivered and not yet acknowledged, by queue name
 * (rabbitmqctl list_queues: AMQP has no way to list queues, and the management plugin is off).
 */
export async function queueDepths(amqpUrl: string): Promise<Map<string, number>> {
  const vhost = decodeURIComponent(new URL(amqpUrl).pathname.slice(1)) || '/';
  const stdout = await rabbitmqctl('list_queues', '-p', vhost, '--no-table-headers', 'name', 'messages');
  const depths = new Map<string, number>();
  for (const line of stdout.split('\n')) {
    const [name, messages] = line.split('\t');
    if (name && messages !== undefined && /^\d+$/.test(messages.trim())) depths.set(name, Number(messages));
  }
  return depths;
}
