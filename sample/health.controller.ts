import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { NestreamHealthIndicator } from '../lib/health/index.js';
import { OutboxAdmin } from '../lib/outbox/index.js';

/**
 * `GET /health`: terminus' format, nestream's transports under `nestream` and the outbox (relay
 * lag, pending and dead events) under `outbox` (503 when one is down).
 */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly nestream: NestreamHealthIndicator,
    private readonly outbox: OutboxAdmin,
    private readonly indicators: HealthIndicatorService,
  ) {}

  @Get()
  @HealthCheck()
  check() {
    return this.health.check([() => this.nestream.isHealthy(), () => this.outboxHealth()]);
  }

  private outboxHealth() {
    const { status, ...details } = this.outbox.health();
    const session = this.indicators.check('outbox');
    return status === 'up' ? session.up(details) : session.down(details);
  }
}
