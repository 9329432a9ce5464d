// The machine and broker versions the results were measured on, for the README and the JSON.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

function command(file, args) {
  try {
    return execFileSync(file, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 }).trim();
  } catch {
    return undefined;
  }
}

/** RabbitMQ reports its version in the connection handshake (works for a broker run elsewhere too). */
async function rabbitVersion() {
  try {
    const amqp = (await import('amqplib')).default;
    const connection = await amqp.connect(process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672');
    const version = connection.connection.serverProperties?.version;
    await connection.close();
    return version;
  } catch {
    return undefined;
  }
}

/** The NATS server answering on the monitor port (test/brokers/up: -m 8222), else the one up built. */
async function natsVersion(root) {
  try {
    const varz = await fetch('http://127.0.0.1:8222/varz', { signal: AbortSignal.timeout(3000) });
    return (await varz.json()).version;
  } catch {
    const built = fileURLToPath(new URL('.cache/nats/current/bin/nats-server', root));
    return command(existsSync(built) ? built : 'nats-server', ['--version'])?.replace(/^nats-server:\s*v?/, '');
  }
}

/** The Kafka jars test/brokers/up selected last (what it runs on 9092). */
function kafkaVersion(root) {
  try {
    const jar = readdirSync(new URL('.cache/kafka/current/libs/', root)).find((f) => /^kafka-server-\d/.test(f));
    return jar?.replace(/^kafka-server-/, '').replace(/\.jar$/, '');
  } catch {
    return undefined;
  }
}

export async function describeMachine(root) {
  const cpus = os.cpus();
  return {
    cores: cpus.length,
    cpu: cpus[0]?.model?.trim(),
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    brokers: {
      redis: command('redis-server', ['--version'])?.match(/v=(\S+)/)?.[1],
      nats: await natsVersion(root),
      rabbitmq: await rabbitVersion(),
      kafka: kafkaVersion(root),
    },
  };
}
