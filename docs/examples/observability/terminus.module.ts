// health.module.ts: with @nestjs/terminus
import { Controller, Get, Module } from '@nestjs/common';
import { TerminusModule, HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { NestreamHealthIndicator } from 'nestream/health';

@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthCheckService, private readonly nestream: NestreamHealthIndicator) {}

  @Get() @HealthCheck()
  check() { return this.health.check([() => this.nestream.isHealthy()]); }   // 503 when down
}

@Module({ imports: [TerminusModule.forRoot()], controllers: [HealthController], providers: [NestreamHealthIndicator] })
export class HealthModule {}
