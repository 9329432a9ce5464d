import { describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import kafkajs from 'kafkajs';
import { KAFKA_CLUSTER_TARGETS, PARTITIONS } from './targets/kafka.js';

/**
 * On the three-node cluster, each client creates the topics it publishes to as the targets ask:
 * three replicas, min.insync.replicas 2 (topics.minInsyncReplicas), as the broker reports them.
 */
// kafkajs is CommonJS: ConfigResourceTypes is not among the names Node finds for a named import.
const { ConfigResourceTypes, Kafka, logLevel } = kafkajs;
const targets = KAFKA_CLUSTER_TARGETS.filter((t) => !process.env.CLUSTER_TARGETS || process.env.CLUSTER_TARGETS.split(',').some((name) => t.name.startsWith(name)));

describe.each(targets.map((t) => [t.name, t] as const))('%s cluster: topics it creates', (_name, target) => {
  const run = target.available() ? it : it.skip;

  run('have three replicas and min.insync.replicas 2', async () => {
    const topic = `cluster.${randomUUID().slice(0, 8)}.topics`;
    const transport = target.create(target.address);
    const admin = new Kafka({ clientId: 'nestream-cluster-topics', brokers: target.address.split(','), logLevel: logLevel.NOTHING }).admin();
    try {
      await transport.publish({ topic, body: Buffer.from('x'), headers: {} });
      await admin.connect();
      const [metadata] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
      expect(metadata!.partitions.map((p) => p.replicas.length)).toEqual(Array.from({ length: PARTITIONS }, () => 3));
      const { resources } = await admin.describeConfigs({ resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['min.insync.replicas'] }], includeSynonyms: false });
      expect(resources[0]!.configEntries.find((e) => e.configName === 'min.insync.replicas')).toMatchObject({ configValue: '2', isDefault: false });
    } finally {
      await admin.disconnect();
      await transport.close();
    }
  });
});
