import { Injectable } from '@nestjs/common';
import { NestreamRegistrar } from '../discovery/nestream.registrar.js';
import { TransportRegistry } from '../config/transport-registry.js';
import type { TransportHealth } from '../core/transport.js';
import { redactSecrets } from '../core/redact.js';

export interface TransportHealthReport {
  /** `down` when the broker is unreachable or a consumer of it stopped; `connecting` while (re)connecting. */
  readonly status: TransportHealth['status'];
  /** The transport's kind: 'kafka', 'jetstream', 'redis-streams', ... */
  readonly kind: string;
  /** Subscriptions the transport has running. */
  readonly subscriptions: number;
  /** Handlers nestream subscribed on it. */
  readonly handlers: number;
  readonly lastError?: string;
}

export interface NestreamHealthReport {
  /** `up` once every handler is subscribed and every transport is up. */
  readonly status: 'up' | 'down';
  readonly transports: Record<string, TransportHealthReport>;
}

/**
 * The app's messaging health, for a readiness or liveness endpoint: every configured
 * transport as it reports itself, checked against the handlers nestream bound to it. Works
 * without @nestjs/terminus (see NestreamHealthIndicator in 'nestream/health' for terminus).
 */
@Injectable()
export class NestreamHealth {
  private subscribed = false;

  constructor(
    private readonly registry: TransportRegistry,
    private readonly registrar: NestreamRegistrar,
  ) {
    registrar.whenReady().then(
      () => (this.subscribed = true),
      () => undefined,
    );
  }

  health(): NestreamHealthReport {
    const transports: Record<string, TransportHealthReport> = {};
    for (const name of this.registry.names) transports[name] = this.transport(name);
    const up = this.subscribed && Object.values(transports).every((t) => t.status === 'up');
    return { status: up ? 'up' : 'down', transports };
  }

  private transport(name: string): TransportHealthReport {
    const transport = this.registry.get(name);
    let reported: TransportHealth;
    try {
      reported = transport.health();
    } catch (error) {
      reported = { status: 'down', subscriptions: 0, lastError: `health() threw: ${(error as Error).message}` };
    }
    const handlers = this.registrar.handlersOn(name);
    let { status, lastError } = reported;
    // A consumer that died without its transport noticing still shows: fewer subscriptions than handlers.
    if (this.subscribed && status === 'up' && reported.subscriptions < handlers) {
      status = 'down';
      lastError = `${reported.subscriptions} of ${handlers} consumers running${lastError ? `; last error: ${lastError}` : ''}`;
    }
    const report = { status, kind: transport.kind, subscriptions: reported.subscriptions, handlers };
    // Transports redact their own errors; this is the last line of defence before an HTTP response.
    return lastError ? { ...report, lastError: redactSecrets(lastError) } : report;
  }
}
