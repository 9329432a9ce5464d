import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { NestreamHealthIndicator } from '../lib/health/index.js';

/** `GET /health`: terminus' format, nestream's transports under `nestream` (503 when one is down). */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly nestream: NestreamHealthIndicator,
  ) {}

  @Get()
  @HealthCheck()
  check() {
    return this.health.check([() => this.nestream.isHealthy()]);
  }
}
