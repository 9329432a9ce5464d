import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, portOpen, ServerProcess } from './server-process.js';

const run = promisify(execFile);
const BIN = '/usr/lib/rabbitmq/bin'; // the unwrapped scripts (the /usr/sbin ones su to user rabbitmq)

/**
 * A throw-away RabbitMQ node of a test's own (its own node name, ports, data and cookie), so a
 * fault test can stop and restart a real broker, or raise a resource alarm, without touching
 * the shared one. Data survives `stop()`/`start()` (durable queues, persistent messages);
 * `destroy()` deletes it. Uses the rabbitmq-server that `test/brokers/up rabbitmq` installed.
 */
export class PrivateRabbitNode {
  private server?: ServerProcess;
  private readonly dir = mkdtempSync(join(tmpdir(), 'nestream-rabbitmq-'));
  readonly node = `nestream-fault-${randomBytes(3).toString('hex')}@localhost`;

  private constructor(
    readonly port: number,
    private readonly distPort: number,
  ) {}

  static available(): boolean {
    return existsSync(join(BIN, 'rabbitmq-server'));
  }

  static async create(): Promise<PrivateRabbitNode> {
    const node = new PrivateRabbitNode(await freePort(), await freePort());
    node.configure();
    return node;
  }

  get url(): string {
    return `amqp://guest:guest@127.0.0.1:${this.port}`;
  }

  /** Starts the node and resolves once it has booted and accepts AMQP connections. */
  async start(timeoutMs = 90_000): Promise<void> {
    const server = new ServerProcess(`private RabbitMQ ${this.node} (logs in ${this.dir}/log)`, join(BIN, 'rabbitmq-server'), [], () => portOpen(this.port), this.env());
    this.server = server;
    await server.start(timeoutMs, 250);
    await this.ctl('await_startup', '--timeout', '60');
  }

  /** SIGTERM to rabbitmq-server: the clean stop a restart does (queues and messages flushed). */
  async stop(): Promise<void> {
    await this.server?.stop(30_000);
  }

  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Runs rabbitmqctl against this node. */
  async ctl(...args: string[]): Promise<string> {
    const { stdout } = await run(join(BIN, 'rabbitmqctl'), ['-n', this.node, '-q', ...args], { env: this.env(), timeout: 90_000 });
    return stdout;
  }

  private configure(): void {
    const home = join(this.dir, 'home');
    mkdirSync(home, { mode: 0o700 });
    writeFileSync(join(home, '.erlang.cookie'), randomBytes(20).toString('hex').toUpperCase(), { mode: 0o400 });
    writeFileSync(join(this.dir, 'rabbitmq.conf'), 'loopback_users.guest = true\nlog.console = false\n');
    writeFileSync(join(this.dir, 'enabled_plugins'), '[].\n');
  }

  private env(): NodeJS.ProcessEnv {
    const loopbackDist = '-kernel inet_dist_use_interface {127,0,0,1}';
    return {
      ...process.env,
      HOME: join(this.dir, 'home'),
      RABBITMQ_NODENAME: this.node,
      RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
      RABBITMQ_NODE_PORT: String(this.port),
      RABBITMQ_DIST_PORT: String(this.distPort),
      RABBITMQ_MNESIA_BASE: join(this.dir, 'mnesia'),
      RABBITMQ_LOG_BASE: join(this.dir, 'log'),
      RABBITMQ_PID_FILE: join(this.dir, 'beam.pid'),
      RABBITMQ_CONFIG_FILE: join(this.dir, 'rabbitmq.conf'),
      RABBITMQ_ENABLED_PLUGINS_FILE: join(this.dir, 'enabled_plugins'),
      RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: loopbackDist,
      RABBITMQ_CTL_ERL_ARGS: loopbackDist,
      ERL_EPMD_ADDRESS: '127.0.0.1',
    };
  }
}
