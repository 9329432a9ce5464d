import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kafkaLibs as LIBS } from './installed.js';
import { portOpen, ServerProcess } from './server-process.js';

/**
 * A throw-away single-node Kafka (KRaft) on its own loopback ports and temp dir, for tests
 * that stop and restart a broker without disturbing the shared one on 9092. Runs the Kafka (3.x or
 * 4.x) whose jars `test/brokers/up kafka` selected last. `destroy()` stops it and deletes its directory.
 */
export class PrivateKafkaBroker {
  private server?: ServerProcess;
  private readonly dir = mkdtempSync(join(tmpdir(), 'nestream-kafka-'));

  constructor(
    readonly port = 19092,
    private readonly controllerPort = 19093,
    /** Server properties added to (or overriding) the defaults below, e.g. `producer.id.expiration.ms`. */
    private readonly extraProperties: Readonly<Record<string, string | number>> = {},
  ) {}

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  static available(): boolean {
    return existsSync(join(LIBS, '.complete'));
  }

  /** Formats the storage once, then starts the broker and resolves when it accepts connections. */
  async start(timeoutMs = 90_000): Promise<void> {
    const config = join(this.dir, 'server.properties');
    if (!existsSync(config)) this.format(config);
    const args = ['-Xmx512m', '-Xms256m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', this.logConfig(),
      '-cp', `${LIBS}/*`, 'kafka.Kafka', config];
    this.server = new ServerProcess(`private Kafka on ${this.address} (logs in ${this.dir})`, 'java', args, () => portOpen(this.port));
    await this.server.start(timeoutMs, 250);
  }

  /** SIGTERM (a clean shutdown, as a rolling restart does), SIGKILL if it takes too long. */
  async stop(timeoutMs = 30_000): Promise<void> {
    await this.server?.stop(timeoutMs);
  }

  /** SIGSTOP: the broker holds its connections but answers nothing (requests wait in its sockets) until `thaw`. */
  freeze(): void {
    this.server?.signal('SIGSTOP');
  }

  /** SIGCONT: it reads and answers what waited, as a broker out of a long GC pause does. */
  thaw(): void {
    this.server?.signal('SIGCONT');
  }

  async destroy(): Promise<void> {
    this.thaw();
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private format(config: string): void {
    const data = join(this.dir, 'data');
    writeFileSync(config, [
      'process.roles=broker,controller',
      'node.id=1',
      `controller.quorum.voters=1@127.0.0.1:${this.controllerPort}`,
      `listeners=PLAINTEXT://127.0.0.1:${this.port},CONTROLLER://127.0.0.1:${this.controllerPort}`,
      `advertised.listeners=PLAINTEXT://127.0.0.1:${this.port}`,
      'controller.listener.names=CONTROLLER',
      'inter.broker.listener.name=PLAINTEXT',
      'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
      `log.dirs=${data}`,
      'num.partitions=3',
      'offsets.topic.replication.factor=1',
      'offsets.topic.num.partitions=3',
      'transaction.state.log.replication.factor=1',
      'transaction.state.log.min.isr=1',
      'group.initial.rebalance.delay.ms=0',
      'num.network.threads=2',
      'num.io.threads=2',
      ...Object.entries(this.extraProperties).map(([name, value]) => `${name}=${value}`),
      '',
    ].join('\n'));
    const log = join(this.dir, 'server.log');
    writeFileSync(join(this.dir, 'log4j.properties'), [
      'log4j.rootLogger=WARN, file',
      'log4j.appender.file=org.apache.log4j.FileAppender',
      `log4j.appender.file.File=${log}`,
      'log4j.appender.file.layout=org.apache.log4j.PatternLayout',
      'log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n',
      '',
    ].join('\n'));
    writeFileSync(join(this.dir, 'log4j2.yaml'), [
      'Configuration:',
      '  Appenders:',
      `    File: { name: FILE, fileName: ${JSON.stringify(log)}, PatternLayout: { pattern: "[%d] %p %m (%c)%n" } }`,
      '  Loggers:',
      '    Root: { level: WARN, AppenderRef: [ { ref: FILE } ] }',
      '',
    ].join('\n'));
    const clusterId = newClusterId();
    const result = spawnSync('java', ['-Xmx256m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', this.logConfig(),
      '-cp', `${LIBS}/*`, 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', config], { encoding: 'utf8', timeout: 60_000 });
    if (result.status !== 0) throw new Error(`private Kafka storage format failed: ${result.stderr || result.stdout}`);
  }

  /** Kafka 4 logs through log4j2 (its jars include log4j-core), Kafka 3 through reload4j. */
  private logConfig(): string {
    return readdirSync(LIBS).some((jar) => jar.startsWith('log4j-core-'))
      ? `-Dlog4j2.configurationFile=${join(this.dir, 'log4j2.yaml')}`
      : `-Dlog4j.configuration=file:${join(this.dir, 'log4j.properties')}`;
  }
}

/** A random cluster id as Kafka makes them: never starting with '-', which StorageTool would take for an option. */
function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}
