// import-job.ts: a job (no HTTP request, no message being handled) publishes under its run's id
import { Controller, Injectable, Module } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { IsString } from 'class-validator';
import {
  CorrelationScope,
  EventContract,
  EventPublisher,
  InjectPublisher,
  MessageBus,
  MessageContext,
  NestreamModule,
  Publisher,
  Subscriber,
} from 'nestream';

@EventContract('import.started')
export class ImportStarted {
  @IsString() file!: string;
}

@Injectable()
export class ImportJob {
  constructor(
    @InjectPublisher(ImportStarted) private readonly started: EventPublisher<ImportStarted>,
    private readonly bus: MessageBus,
  ) {}

  /** One message under a given correlation id. */
  async start(runId: string, file: string) {
    await this.started.publish({ file }, { correlationId: runId });
  }

  /** Every publish in a block, in the code it calls too, under one correlation id. */
  async finish(runId: string, files: string[]) {
    await CorrelationScope.run(runId, async () => {
      for (const file of files) await this.bus.publish('import.file-done', { file });
      await this.bus.publish('import.finished', { files: files.length });
    });
  }
}

@Controller()
export class ImportAudit {
  @Subscriber(ImportStarted, { group: 'audit' })
  @Publisher('import.audited') // carries the same correlation id, with no code here
  onStarted(@Payload() event: ImportStarted, @Ctx() ctx: MessageContext) {
    return { file: event.file, run: ctx.correlationId };
  }
}

@Module({
  imports: [NestreamModule.forRoot({ serviceName: 'imports' }), NestreamModule.forFeature([ImportStarted])],
  providers: [ImportJob],
  controllers: [ImportAudit],
})
export class ImportModule {}
