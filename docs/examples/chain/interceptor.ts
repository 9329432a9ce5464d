// timing.interceptor.ts: a message interceptor, for every handler and publish or for one handler
import { Controller, Module } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { performance } from 'node:perf_hooks';
import { CorrelationScope, NestreamModule, Subscriber, UseMessageInterceptors, type MessageInterceptor } from 'nestream';

const durations = new Map<string, number[]>();
const tenantOf = (correlationId: string | undefined) => correlationId?.split(':')[0] ?? 'none';

export const timing: MessageInterceptor = {
  async intercept(ctx, next) {
    const started = performance.now();
    try { return await next(ctx); }
    finally { durations.set(ctx.topic, [...(durations.get(ctx.topic) ?? []), performance.now() - started]); }
  },
  async interceptPublish(message, info, next) {
    message.headers['x-tenant'] = tenantOf(CorrelationScope.current());
    return next(message, info);
  },
};

@Controller()
export class ReportHandlers {
  @Subscriber('reports')
  @UseMessageInterceptors(timing)                                               // one handler
  onReport(@Payload() report: { id: string }) {
    console.log('report', report.id);
  }
}

@Module({
  // or every handler and publish: NestreamModule.forRoot({ serviceName: 'billing', interceptors: [timing] })
  imports: [NestreamModule.forRoot({ serviceName: 'billing' })],
  controllers: [ReportHandlers],
})
export class ReportsModule {}
