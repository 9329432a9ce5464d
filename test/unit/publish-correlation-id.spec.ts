import 'reflect-metadata';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { Test, type TestingModule } from '@nestjs/testing';
import { CorrelationScope, Headers, MessageBus } from '../../lib/index.js';
import { TestBroker } from '../../lib/testing/index.js';
import { ImportJob, ImportModule } from '../../docs/examples/correlation/import-job.js';

// docs/correlation.md's example, run: publishing under a given correlation id outside any scope.
describe('publishing under a given correlation id', () => {
  const broker = new TestBroker();
  let moduleRef: TestingModule;
  const correlationOf = (topic: string) => broker.published(topic).map((m) => m.message.headers[Headers.correlationId]);

  beforeAll(async () => {
    moduleRef = await broker.attach(Test.createTestingModule({ imports: [ImportModule] })).compile();
    moduleRef.useLogger(false);
    await moduleRef.init();
  });
  afterAll(() => moduleRef.close());
  beforeEach(() => broker.reset());

  it('publish(payload, { correlationId }) stamps it, the handler sees it, and what the handler publishes carries it', async () => {
    await moduleRef.get(ImportJob).start('run-42', 'a.csv');
    await broker.settled();
    expect(correlationOf('import.started')).toEqual(['run-42']);
    expect(broker.calls('ImportAudit.onStarted').map((call) => call.ctx.correlationId)).toEqual(['run-42']);
    expect(broker.published('import.audited').map((m) => [m.payload, m.message.headers[Headers.correlationId]])).toEqual([
      [{ file: 'a.csv', run: 'run-42' }, 'run-42'],
    ]);
  });

  it('CorrelationScope.run(id, fn) gives every publish in fn that id', async () => {
    await moduleRef.get(ImportJob).finish('run-43', ['a.csv', 'b.csv']);
    expect(correlationOf('import.file-done')).toEqual(['run-43', 'run-43']);
    expect(correlationOf('import.finished')).toEqual(['run-43']);
  });

  it('the option wins over the scope, and without either a message starts its own flow', async () => {
    const bus = moduleRef.get(MessageBus);
    await CorrelationScope.run('outer', () => bus.publish('import.finished', { files: 0 }, { correlationId: 'inner' }));
    await bus.publish('import.finished', { files: 1 }, { messageId: 'm-1' });
    expect(correlationOf('import.finished')).toEqual(['inner', 'm-1']);
  });

  it('rejects an empty correlation id, sending nothing', async () => {
    const bus = moduleRef.get(MessageBus);
    await expect(bus.publish('import.finished', { files: 0 }, { correlationId: '' })).rejects.toThrow(
      'nestream publish to import.finished: correlationId must be a non-empty string, got ""',
    );
    expect(broker.published('import.finished')).toEqual([]);
  });
});
