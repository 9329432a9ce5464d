// transports.ts: KafkaTransport on kafkajs instead of the default @platformatic/kafka
import { KafkaTransport } from 'nestream/kafka';

export const kafka = new KafkaTransport({
  library: 'kafkajs', // npm install kafkajs; needed for the kafkajs options below
  brokers: ['kafka-1:9093', 'kafka-2:9093'],
  ssl: true,
  sasl: { mechanism: 'scram-sha-512', username: 'billing', password: process.env.KAFKA_PASSWORD! },
  client: { connectionTimeout: 3000, retry: { retries: 8 } },
  consumer: { sessionTimeout: 30_000, maxWaitTimeInMs: 500 },
});

// The same on the default client, in @platformatic/kafka's option names:
export const onPlatformatic = new KafkaTransport({
  brokers: ['kafka-1:9093', 'kafka-2:9093'],
  tls: {},
  sasl: { mechanism: 'SCRAM-SHA-512', username: 'billing', password: process.env.KAFKA_PASSWORD! },
  client: { connectTimeout: 3000, retries: 8 },
  consumer: { sessionTimeout: 30_000, maxWaitTime: 500 },
});
