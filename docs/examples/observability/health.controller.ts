// health.controller.ts: without terminus
import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { NestreamHealth } from 'nestream';

@Controller()
export class HealthController {
  constructor(private readonly nestream: NestreamHealth) {}

  @Get('health')
  health() {
    const report = this.nestream.health();
    // { status: 'up', transports: { main: { status: 'up', kind: 'kafka', subscriptions: 2, handlers: 2 }, ... } }
    if (report.status !== 'up') throw new ServiceUnavailableException(report);
    return report;
  }
}
