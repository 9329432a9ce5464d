import 'reflect-metadata';
import { Controller, Get, Module, type INestApplication } from '@nestjs/common';
import { HealthCheck, HealthCheckService, TerminusModule } from '@nestjs/terminus';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { afterEach, describe, expect, it } from '@jest/globals';
import { MemoryTransport, NestreamHealth, NestreamModule, Subscriber, type TransportHealth } from '../../lib/index.js';
import { NestreamHealthIndicator } from '../../lib/health/index.js';
import { bootApp } from '../support/app-harness.js';

/** A memory transport whose health a test can break, as a broker outage or a dead consumer would. */
class BreakableTransport extends MemoryTransport {
  override_?: Partial<TransportHealth>;

  override health(): TransportHealth {
    return { ...super.health(), ...this.override_ };
  }
}

@Controller()
class Handlers {
  @Subscriber('h.orders', { transport: 'main' })
  onOrder() {}

  @Subscriber('h.audit', { transport: 'events' })
  onAudit() {}
}

let app: INestApplication | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe('health', () => {
  it('reports every transport up, with its subscriptions and the handlers bound to it', async () => {
    app = await bootApp({ transports: { main: new MemoryTransport(), events: new MemoryTransport() } }, [Handlers]);
    expect(app.get(NestreamHealth).health()).toEqual({
      status: 'up',
      transports: {
        main: { status: 'up', kind: 'memory', subscriptions: 1, handlers: 1 },
        events: { status: 'up', kind: 'memory', subscriptions: 1, handlers: 1 },
      },
    });
  });

  it('is down when a transport reports down, naming its last error without credentials', async () => {
    const events = new BreakableTransport();
    app = await bootApp({ transports: { main: new MemoryTransport(), events } }, [Handlers]);
    events.override_ = { status: 'down', lastError: 'consumer crashed: lost nats://app:s3cret@broker.internal:4222' };
    const report = app.get(NestreamHealth).health();
    expect(report.status).toBe('down');
    expect(report.transports.main!.status).toBe('up');
    expect(report.transports.events).toMatchObject({ status: 'down', lastError: 'consumer crashed: lost nats://app:***@broker.internal:4222' });
    expect(JSON.stringify(report)).not.toContain('s3cret');
  });

  it('is down when a transport runs fewer consumers than the handlers bound to it (a consumer died unnoticed)', async () => {
    const main = new BreakableTransport();
    app = await bootApp({ transports: { main, events: new MemoryTransport() } }, [Handlers]);
    main.override_ = { subscriptions: 0 };
    expect(app.get(NestreamHealth).health().transports.main).toEqual({
      status: 'down',
      kind: 'memory',
      subscriptions: 0,
      handlers: 1,
      lastError: '0 of 1 consumers running',
    });
  });

  it('is down once the transports are closed', async () => {
    app = await bootApp({ transports: { main: new MemoryTransport(), events: new MemoryTransport() } }, [Handlers]);
    const health = app.get(NestreamHealth);
    await app.close();
    app = undefined;
    expect(health.health().status).toBe('down');
  });

  it('plugs into @nestjs/terminus: 200 while up, 503 with the failing transport when down', async () => {
    const main = new BreakableTransport();
    @Controller('health')
    class HealthController {
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
    @Module({
      imports: [NestreamModule.forRoot({ serviceName: 'svc', transports: { main, events: new MemoryTransport() } }), TerminusModule.forRoot({ logger: false })],
      controllers: [HealthController],
      providers: [Handlers, NestreamHealthIndicator],
    })
    class AppModule {}
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();

    const up = await request(app.getHttpServer()).get('/health').expect(200);
    expect(up.body.status).toBe('ok');
    expect(up.body.info.nestream.status).toBe('up');
    expect(up.body.info.nestream.transports.main).toMatchObject({ status: 'up', subscriptions: 1 });

    main.override_ = { status: 'down', lastError: 'connection refused' };
    const down = await request(app.getHttpServer()).get('/health').expect(503);
    expect(down.body.status).toBe('error');
    expect(down.body.error.nestream.transports.main).toMatchObject({ status: 'down', lastError: 'connection refused' });
  });
});
