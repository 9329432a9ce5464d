import type { JetStreamClient } from '@nats-io/jetstream';
import type { Msg, MsgHdrs, NatsConnection } from '@nats-io/transport-node';
import { Headers, ReplayHeaders } from '../../core/headers.js';
import type { OutboundMessage } from '../../core/message.js';
import { withTimeout } from '../kit/timers.js';
import { FlushBatcher } from './flush-batcher.js';
import { InboxRequests } from './inbox-requests.js';
import { setServerHeader } from './nats.headers.js';
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
 * PubAcks come back to one inbox of ours (InboxRequests), not through nats.js's `request()` per
 * publish; a publish with `expect` options goes through nats.js's JetStream client, which builds
 * those headers. "No responders" from a stream that exists means it has no leader for the moment
 * (its leader died and the replicas are electing another, seconds on a cluster): nothing was
 * stored, so the publish is sent again every NO_LEADER_RETRY_MS until its timeout, which bounds
 * the whole publish. A timeout is not tried again (the stream may have stored it): it is reported.
 */
export class JetStreamPublisher implements NatsPublisher {
  private pubAcks?: { nc: NatsConnection; requests: InboxRequests };

  constructor(
    private readonly link: NatsLink,
    private readonly js: () => JetStreamClient,
    private readonly topology: JetStreamTopology,
    private readonly publishTimeoutMs: number,
  ) {}

  publish(message: OutboundMessage, headers: MsgHdrs | undefined, options: NatsPublishOptions, replyTo?: string): Promise<void> {
    if (replyTo) (headers ??= this.link.createHeaders()).set(Headers.replyTo, replyTo);
    const msgID = publishMsgId(message, options);
    const deadline = Date.now() + (options.timeoutMs ?? this.publishTimeoutMs);
    const send = options.expect ? () => this.viaClient(message, headers, msgID, options.expect!, deadline) : () => this.viaInbox(message, headers, msgID, deadline);
    return send().catch((error: unknown) => this.afterFailure(message, error, send, deadline));
  }

  private viaInbox(message: OutboundMessage, headers: MsgHdrs | undefined, msgID: string | undefined, deadline: number): Promise<void> {
    try {
      if (msgID) setServerHeader((headers ??= this.link.createHeaders()), MSG_ID_HEADER, msgID);
      return this.inbox().request(message.topic, message.body, headers, Math.max(1, deadline - Date.now())).then((reply) => checkPubAck(reply, message.topic));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  private async viaClient(message: OutboundMessage, headers: MsgHdrs | undefined, msgID: string | undefined, expect: Record<string, unknown>, deadline: number): Promise<void> {
    await this.js().publish(message.topic, message.body, { timeout: Math.max(1, deadline - Date.now()), expect, ...(headers ? { headers } : {}), ...(msgID ? { msgID } : {}) });
  }

  /** One PubAck inbox per connection (a closed transport's connection is never reused). */
  private inbox(): InboxRequests {
    const nc = this.link.nc;
    if (this.pubAcks?.nc !== nc) {
      this.pubAcks = { nc, requests: new InboxRequests(nc, (subject, timeoutMs) => `JetStream did not acknowledge the publish to ${subject} within ${timeoutMs} ms (timeout)`) };
    }
    return this.pubAcks.requests;
  }

  /** What a failed send means: no stream (find or create it, or wait for a leader) and send again, or the publish's error. */
  private async afterFailure(message: OutboundMessage, failure: unknown, send: () => Promise<void>, deadline: number): Promise<void> {
    const topology = this.topology;
    let error = failure;
    for (let lookedUp = false; ; ) {
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
      try {
        await send();
        return;
      } catch (next) {
        error = next;
      }
    }
  }
}

/** The header the stream deduplicates on (nats.js's PubHeaders.MsgIdHdr). */
const MSG_ID_HEADER = 'Nats-Msg-Id';

interface PubAckAnswer {
  stream?: string;
  error?: { code?: number; err_code?: number; description?: string };
}

/**
 * A stream's answer to a publish, read as nats.js's `js.publish()` reads it: an empty 503 is "no
 * responders" (no stream captures the subject, or its stream has no leader), an `error` is the
 * stream refusing it (named JetStreamApiError, with its codes), anything without a stream name is
 * not a PubAck.
 */
function checkPubAck(reply: Msg, subject: string): void {
  if (reply.data.length === 0 && reply.headers?.code === 503) throw named('NoRespondersError', `no responders: no stream took the publish to ${subject}`);
  let answer: PubAckAnswer;
  try {
    answer = reply.json<PubAckAnswer>();
  } catch {
    throw named('JetStreamError', 'invalid ack response: not JSON');
  }
  if (answer.error) {
    throw Object.assign(named('JetStreamApiError', answer.error.description ?? `error ${answer.error.code}`), { code: answer.error.err_code, status: answer.error.code });
  }
  if (!answer.stream) throw named('JetStreamError', 'invalid ack response');
}

function named(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
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
