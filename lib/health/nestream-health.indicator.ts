import { Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { NestreamHealth } from './nestream-health.js';

/**
 * nestream's health as a @nestjs/terminus indicator: up when every transport is up and every
 * handler subscribed; each transport's status, subscriptions and last error in the details.
 *
 *   @Get('health') @HealthCheck()
 *   check() { return this.health.check([() => this.nestream.isHealthy()]); }
 */
@Injectable()
export class NestreamHealthIndicator {
  constructor(
    private readonly nestream: NestreamHealth,
    private readonly indicators: HealthIndicatorService,
  ) {}

  isHealthy<const Key extends string = 'nestream'>(key: Key = 'nestream' as Key): HealthIndicatorResult<Key> {
    const { status, transports } = this.nestream.health();
    const session = this.indicators.check(key);
    return status === 'up' ? session.up({ transports }) : session.down({ transports });
  }
}
