import { is, type OptionCheck, type OptionSpec } from '../kit/option-checks.js';

/** Exchange types RabbitMQ ships with. */
export type RabbitExchangeType = 'direct' | 'topic' | 'fanout' | 'headers';

export interface RabbitExchangeOptions {
  readonly name: string;
  readonly type: RabbitExchangeType;
  /** amqplib `assertExchange` options; `durable` defaults to true. */
  readonly options?: {
    durable?: boolean;
    autoDelete?: boolean;
    internal?: boolean;
    alternateExchange?: string;
    arguments?: Record<string, unknown>;
  };
}

export interface RabbitBinding {
  readonly exchange: string;
  /** Routing key or topic pattern (`*`, `#`); ignored by fanout, use '' there. */
  readonly pattern: string;
  /** Binding arguments, e.g. `{ 'x-match': 'all', region: 'eu' }` for a headers exchange. */
  readonly arguments?: Record<string, unknown>;
}

export interface RabbitQueueOptions {
  readonly name: string;
  /** Default 'classic'. Quorum queues are always durable. */
  readonly type?: 'classic' | 'quorum';
  /** Default true. */
  readonly durable?: boolean;
  /** Queue arguments (`x-max-length`, `x-dead-letter-exchange`, ...). */
  readonly arguments?: Record<string, unknown>;
  readonly bindings?: readonly RabbitBinding[];
}

export interface RabbitReconnectOptions {
  /** First delay after a connection loss. Default 100 ms. */
  readonly initialDelayMs?: number;
  /** Ceiling of the exponential backoff. Default 30 s. */
  readonly maxDelayMs?: number;
  readonly factor?: number;
}

export interface RabbitTransportOptions {
  /**
   * `amqp://user:pass@host:5672/vhost`; the password is never logged. A list names the nodes of
   * a cluster: connecting (first and after every loss) tries them in turn, starting after the
   * one last connected to, so the transport survives the death of its node. One connection at
   * a time, to one node.
   */
  readonly url: string | readonly string[];
  /** Exchanges declared on connect (and again after every reconnect). */
  readonly exchanges?: readonly RabbitExchangeOptions[];
  /** Queues (with their bindings) declared on connect (and again after every reconnect). */
  readonly queues?: readonly RabbitQueueOptions[];
  /** Durable topic exchange that publishes go to and subscriptions bind to. Default 'nestream'. */
  readonly defaultExchange?: string;
  /**
   * Publishing to a topic ending in `.dlq` first declares a durable queue of that name bound
   * to the default exchange with that routing key, so dead letters are never dropped as
   * unroutable and stay inspectable. Default true.
   */
  readonly deadLetterQueues?: boolean;
  /**
   * Type of the queues nestream declares itself: each group's queue (a subscriber's
   * `queueType` overrides it), the retry queues and the dead-letter queues. 'quorum' on a
   * cluster: replicated, and a publish is confirmed once a majority of the nodes has it.
   * Default 'classic'.
   */
  readonly queueType?: 'classic' | 'quorum';
  /** Connection attempts in `connect()` before it rejects (each tries every url once). Default 3. */
  readonly initialConnectAttempts?: number;
  /** Bound on one TCP + AMQP handshake attempt. Default 10 s. */
  readonly connectTimeoutMs?: number;
  /** Bound on a publish: waiting for a connection or an unblock, plus the broker's confirm. Default 30 s. */
  readonly publishTimeoutMs?: number;
  /** AMQP heartbeat in seconds. Default 30 (amqplib: null = the server's suggestion). */
  readonly heartbeatSeconds?: number;
  /**
   * The server's `max_message_size`: a publish over it is refused before sending. AMQP 0-9-1
   * does not announce it (see docs/rabbitmq.md), so set it when the server is configured lower
   * than RabbitMQ's default, 128 MiB (134217728), which is the default here too.
   */
  readonly maxMessageBytes?: number;
  readonly reconnect?: RabbitReconnectOptions;
  /** Shown in the management UI and `rabbitmqctl list_connections`. Default 'nestream'. */
  readonly connectionName?: string;
  /** Any other amqplib socket option (TLS `ca`, `cert`, `key`, ...). */
  readonly socketOptions?: Record<string, unknown>;
}

/** `@Subscriber(..., { transportOptions })` understood by RabbitTransport; any other key fails at bootstrap. */
export interface RabbitSubscribeOptions {
  /** Queue to consume from. Default `<group>.<topic>`. */
  readonly queue?: string;
  /** Exchange the queue binds to with the topic as routing key. Default: the transport's default exchange. */
  readonly exchange?: string;
  /** Default: the transport's `queueType` ('classic' unless set). */
  readonly queueType?: 'classic' | 'quorum';
  /** Extra queue arguments for a queue nestream declares. */
  readonly queueArguments?: Record<string, unknown>;
  /** Bindings added to the topic binding. */
  readonly bindings?: readonly RabbitBinding[];
  /** Do not bind the queue to `exchange` with the topic (only `bindings` apply). Default false. */
  readonly skipTopicBinding?: boolean;
  /**
   * Messages the broker sends this subscription ahead of acks (basic.qos). Up to
   * `prefetch − concurrency` of them wait in memory for a free handler, and are handed back to
   * the queue at once on close. Default: twice the subscriber's `concurrency` (never lower than it).
   */
  readonly prefetch?: number;
}

/** `OutboundMessage.options` understood by RabbitTransport. */
export interface RabbitPublishOptions {
  /** Default: the transport's default exchange. '' is RabbitMQ's default (direct-to-queue) exchange. */
  readonly exchange?: string;
  /** Default: the message topic. */
  readonly routingKey?: string;
  /** Reject the publish when no queue is bound for it (basic.return). Default false. */
  readonly mandatory?: boolean;
  /** Default true (delivery mode 2). */
  readonly persistent?: boolean;
  /** Per-message TTL in ms. */
  readonly expiration?: number;
  readonly priority?: number;
  readonly replyTo?: string;
}

/** Every default of the transport, in one place. */
export const DEFAULTS = {
  defaultExchange: 'nestream',
  deadLetterQueues: true,
  initialConnectAttempts: 3,
  connectTimeoutMs: 10_000,
  publishTimeoutMs: 30_000,
  heartbeatSeconds: 30,
  /** RabbitMQ's default max_message_size (3.8+); larger messages close the channel with a 406 after they were sent. */
  maxMessageBytes: 134_217_728,
  reconnect: { initialDelayMs: 100, maxDelayMs: 1000, factor: 2 },
  /** ±20% around each reconnect delay, so a fleet of services does not reconnect in lockstep. */
  reconnectJitter: 0.2,
  connectionName: 'nestream',
  queueType: 'classic',
  /**
   * Default prefetch per handler slot. At 1 (prefetch = concurrency) every freed slot waits a
   * broker round trip for its next message; at 2 the next one is already here.
   */
  prefetchPerSlot: 2,
} as const;

export interface ResolvedRabbitOptions {
  /** At least one; `amqp:` or `amqps:` each. */
  readonly urls: readonly string[];
  readonly exchanges: readonly RabbitExchangeOptions[];
  readonly queues: readonly RabbitQueueOptions[];
  readonly defaultExchange: string;
  readonly deadLetterQueues: boolean;
  readonly queueType: 'classic' | 'quorum';
  readonly initialConnectAttempts: number;
  readonly connectTimeoutMs: number;
  readonly publishTimeoutMs: number;
  readonly heartbeatSeconds: number;
  readonly maxMessageBytes: number;
  readonly reconnect: Required<RabbitReconnectOptions>;
  readonly connectionName: string;
  readonly socketOptions: Record<string, unknown>;
}

export function resolveRabbitOptions(options: RabbitTransportOptions): ResolvedRabbitOptions {
  return {
    urls: resolveUrls(options?.url),
    exchanges: options.exchanges ?? [],
    queues: options.queues ?? [],
    defaultExchange: options.defaultExchange ?? DEFAULTS.defaultExchange,
    deadLetterQueues: options.deadLetterQueues ?? DEFAULTS.deadLetterQueues,
    queueType: resolveQueueType(options.queueType),
    initialConnectAttempts: Math.max(1, options.initialConnectAttempts ?? DEFAULTS.initialConnectAttempts),
    connectTimeoutMs: options.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs,
    publishTimeoutMs: options.publishTimeoutMs ?? DEFAULTS.publishTimeoutMs,
    heartbeatSeconds: options.heartbeatSeconds ?? DEFAULTS.heartbeatSeconds,
    maxMessageBytes: maxMessageBytes(options.maxMessageBytes),
    reconnect: {
      initialDelayMs: options.reconnect?.initialDelayMs ?? DEFAULTS.reconnect.initialDelayMs,
      maxDelayMs: options.reconnect?.maxDelayMs ?? DEFAULTS.reconnect.maxDelayMs,
      factor: options.reconnect?.factor ?? DEFAULTS.reconnect.factor,
    },
    connectionName: options.connectionName ?? DEFAULTS.connectionName,
    socketOptions: options.socketOptions ?? {},
  };
}

function maxMessageBytes(value: number | undefined): number {
  if (value === undefined) return DEFAULTS.maxMessageBytes;
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new Error(`RabbitTransport maxMessageBytes must be a positive whole number of bytes (the server's max_message_size), got ${String(value)}`);
  }
  return value;
}

function resolveQueueType(queueType: unknown): 'classic' | 'quorum' {
  if (queueType === undefined) return DEFAULTS.queueType;
  if (queueType === 'classic' || queueType === 'quorum') return queueType;
  throw new Error(`RabbitTransport: queueType must be 'classic' or 'quorum', got ${JSON.stringify(queueType)}`);
}

const URL_EXAMPLE = 'amqp://guest:guest@127.0.0.1:5672';

/** `url` as a list, each entry checked here so a typo fails at construction, not on a reconnect. */
function resolveUrls(url: unknown): readonly string[] {
  const urls = typeof url === 'string' ? [url] : url;
  if (!Array.isArray(urls) || urls.length === 0 || (typeof url === 'string' && url === '')) {
    throw new Error(`RabbitTransport needs a url or a non-empty list of urls, e.g. ${URL_EXAMPLE}`);
  }
  return urls.map((entry: unknown, i) => {
    const where = urls.length === 1 ? 'url' : `url[${i}]`;
    if (typeof entry !== 'string' || entry === '') throw new Error(`RabbitTransport: ${where} must be a non-empty string like ${URL_EXAMPLE}, got ${JSON.stringify(entry)}`);
    let protocol: string;
    try {
      protocol = new URL(entry).protocol;
    } catch {
      throw new Error(`RabbitTransport: ${where} is not a URL (expected e.g. ${URL_EXAMPLE})`);
    }
    if (protocol !== 'amqp:' && protocol !== 'amqps:') throw new Error(`RabbitTransport: ${where} must start with amqp:// or amqps://, got ${protocol}//`);
    return entry;
  });
}

const bindingList: OptionCheck = (value) =>
  Array.isArray(value) && value.every((b) => typeof b?.exchange === 'string' && typeof b?.pattern === 'string')
    ? undefined
    : 'must be an array of { exchange, pattern, arguments? }';

/** The checks behind `checkSubscriberOptions`: the compiler keeps them in step with RabbitSubscribeOptions. */
export const SUBSCRIBER_OPTION_SPEC = {
  queue: is.string,
  exchange: (value) => (typeof value === 'string' ? undefined : `must be a string ('' is the default exchange), got ${typeof value}`),
  queueType: is.oneOf('classic', 'quorum'),
  queueArguments: is.object,
  bindings: bindingList,
  skipTopicBinding: is.boolean,
  prefetch: is.positiveInteger,
} satisfies OptionSpec<RabbitSubscribeOptions>;

