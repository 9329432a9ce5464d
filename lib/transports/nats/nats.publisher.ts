import type { JetStreamClient } from '@nats-io/jetstream';
import type { MsgHdrs } from '@nats-io/transport-node';
import { Headers, ReplayHeaders } from '../../core/headers.js';
import type { OutboundMessage } from '../../core/message.js';
import { withTimeout } from '../kit/timers.js';
import { FlushBatcher } from './flush-batcher.js';
import type { NatsLink } from './nats.connection.js';
import type { NatsPublishOptions } from './nats.options.js';
import type { JetStreamTopology } from './nats.topology.js';

/** How one mode sends a message; resolves once the server has it. */
export interface NatsPublisher {
  /** `replyTo`: a request's inbox (core NATS: the message's reply subject; JetStream: the `reply_to` header). */
  publish(message: OutboundMessage, headers: MsgHdrs | undefined, options: NatsPublishOptions, replyTo?: string): Promise<void>;
}

/**
 * Core NATS acknowledges nothing: a flush round trip proves the server has the message.
 * Publishes with the default timeout share one flush per tick (FlushBatcher).
 */
export class CorePublisher implements NatsPublisher {
  private readonly flushes: FlushBatcher;

  constructor(
    private readonly link: NatsLink,
    private readonly publishTimeoutMs: number,
  ) {
    this.flushes = new FlushBatcher(() => this.link.nc.flush(), publishTimeoutMs);
  }

  publish(message: OutboundMessage, headers: MsgHdrs | undefined, options: NatsPublishOptions, replyTo?: string): Promise<void> {
    const nc = this.link.nc;
    nc.publish(message.topic, message.body, headers || replyTo ? { ...(headers ? { headers } : {}), ...(replyTo ? { reply: replyTo } : {}) } : undefined);
    const timeoutMs = options.timeoutMs ?? this.publishTimeoutMs;
    if (timeoutMs === this.publishTimeoutMs) return this.flushes.confirm(message.topic);
    return withTimeout(nc.flush(), timeoutMs, `NATS did not confirm the publish to ${message.topic}`);
  }
}

/**
 * Resolves on the stream's PubAck; a subject no stream captures gets one (when provisioning).
 * "No responders" from a stream that exists means it has no leader for the moment (its leader
 * died and the replicas are electing another, seconds on a cluster): nothing was stored, so the
 * publish is sent again every NO_LEADER_RETRY_MS until its timeout, which bounds the whole
 * publish. A timeout is not tried again (the stream may have stored it): it is reported.
 */
export class JetStreamPublisher implements NatsPublisher {
  constructor(
    private readonly link: NatsLink,
    private readonly js: () => JetStreamClient,
    private readonly topology: JetStreamTopology,
    private readonly publishTimeoutMs: number,
  ) {}

  async publish(message: OutboundMessage, headers: MsgHdrs | undefined, options: NatsPublishOptions, replyTo?: string): Promise<void> {
    if (replyTo) (headers ??= this.link.createHeaders()).set(Headers.replyTo, replyTo);
    const msgID = publishMsgId(message, options);
    const deadline = Date.now() + (options.timeoutMs ?? this.publishTimeoutMs);
    const send = () =>
      this.js().publish(message.topic, message.body, {
        timeout: Math.max(1, deadline - Date.now()),
        ...(headers ? { headers } : {}),
        ...(msgID ? { msgID } : {}),
        ...(options.expect ? { expect: options.expect } : {}),
      });
    const topology = this.topology;
    for (let lookedUp = false; ; ) {
      try {
        await send();
        return;
      } catch (error) {
        if (isNoStream(error) && !topology.provisions) {
          // nats.js says "jetstream is not enabled" for a subject no stream captures.
          const what = message.topic.endsWith('.dlq') ? `the dead-letter stream for ${message.topic} does not exist` : `no JetStream stream captures ${message.topic}`;
          throw this.link.status.fail(error, `JetStream publish to ${message.topic} failed: ${what} (and provisionStreams is off)`, { stayUp: true });
        }
        if (!isNoStream(error)) throw this.link.status.fail(error, `JetStream publish to ${message.topic} failed`, { stayUp: true });
        if (Date.now() + NO_LEADER_RETRY_MS >= deadline) {
          topology.forget(message.topic); // the stream may be gone after all: the next publish looks again
          throw this.link.status.fail(error, `JetStream publish to ${message.topic} failed: no stream answered within the publish timeout`, { stayUp: true });
        }
        if (!lookedUp && !topology.knows(message.topic)) {
          // Once: the stream may not exist (never created, or deleted under us); this finds or creates it.
          // A lookup that fails (the meta leader may be electing too) is not the publish's end while time remains.
          lookedUp = true;
          await topology.streamFor(message.topic).catch((lookup: unknown) => {
            if (!isUnavailable(lookup)) throw this.link.status.fail(lookup, `JetStream publish to ${message.topic} failed`, { stayUp: true });
          });
        } else {
          await new Promise((resolve) => setTimeout(resolve, NO_LEADER_RETRY_MS));
        }
      }
    }
  }
}

/** JetStream's API did not answer for now (timeout, "temporarily unavailable"): a leader election, not a refusal. */
function isUnavailable(error: unknown): boolean {
  return error instanceof Error && (error.name === 'TimeoutError' || /timeout|temporarily unavailable|no responders/i.test(error.message));
}

/** Between publishes to a stream that has no leader (an election takes seconds). */
const NO_LEADER_RETRY_MS = 100;

/**
 * The `Nats-Msg-Id` the stream deduplicates on: the idempotency key, else the message id.
 * It is scoped by subject, because a stream may hold several subjects: a dead-lettered copy
 * (same message id, `<topic>.dlq`) must not be dropped as a duplicate of its original, nor
 * a replayed dead letter (same topic and id again, `x-replay-count` raised).
 */
function publishMsgId(message: OutboundMessage, options: NatsPublishOptions): string | undefined {
  if (options.msgId === false) return undefined;
  if (options.msgId) return options.msgId;
  const id = message.headers[Headers.idempotencyKey] ?? message.headers[Headers.messageId];
  const replay = message.headers[ReplayHeaders.replayCount];
  return id ? `${message.topic}:${id}${replay ? `:replay-${replay}` : ''}` : undefined;
}

/** nats.js reports "no stream listens on this subject" as no responders / JetStream not enabled. */
function isNoStream(error: unknown): boolean {
  return error instanceof Error && (error.name === 'JetStreamNotEnabled' || /no responders/i.test(error.message));
}
