import { Inject, Injectable } from '@nestjs/common';
import type { BrowsedMessage, BrowsedMessages } from '../core/browse.js';
import { ConfigurationError } from '../core/errors.js';
import { errorFields } from '../core/log-fields.js';
import { NestreamLogger } from '../core/logger.js';
import type { Transport } from '../core/transport.js';
import { TransportRegistry } from '../config/transport-registry.js';
import { NESTREAM_TELEMETRY, type NestreamTelemetry } from '../observability/nestream-telemetry.js';
import { deadLetterMessageOf, deadLetterOf, type DeadLetter, type DeadLetterMessage } from './dead-letter.js';
import { checkQuery, DEFAULT_SCAN, matchesQuery, type DeadLetterQuery } from './dead-letter-query.js';
import { DeadLetterMetrics, type ReplayOutcome } from './dead-letter.metrics.js';
import { replayHeaders } from './replay-headers.js';
import { checkReplayOptions, DEFAULT_MAX_REPLAYS, DEFAULT_RATE_PER_SEC, type ReplayOptions } from './replay-options.js';
import type { ReplayedLetter, ReplayReport } from './replay-report.js';

const DEFAULT_LIST_LIMIT = 100;
const DEFAULT_PEEK_LIMIT = 1;

/**
 * Dead letters in operation: list and peek at them without consuming them, and replay a
 * selection to where they failed once the cause is fixed (docs/dead-letters.md). Works on every
 * transport that can `browse()`; each transport documents how it reads without consuming.
 */
@Injectable()
export class DeadLetters {
  private readonly logger = new NestreamLogger('NestreamDeadLetters');
  private metrics?: Promise<DeadLetterMetrics | undefined>;

  constructor(
    private readonly registry: TransportRegistry,
    @Inject(NESTREAM_TELEMETRY) private readonly telemetry: NestreamTelemetry,
  ) {}

  /** Dead letters of one topic, oldest first: reason, handler, attempts, error, age. Nothing is consumed. */
  async list(query: DeadLetterQuery): Promise<DeadLetter[]> {
    checkQuery(query, 'list');
    return this.read(query, DEFAULT_LIST_LIMIT, (message, transport) => deadLetterOf(message, query.topic, transport));
  }

  /** As `list`, with every header and the body; by default the oldest one. Nothing is consumed. */
  async peek(query: DeadLetterQuery & { id?: string }): Promise<DeadLetterMessage[]> {
    checkQuery(query, 'peek');
    const letters = await this.read({ ...query, limit: query.id ? undefined : query.limit }, DEFAULT_PEEK_LIMIT, (message, transport) =>
      deadLetterMessageOf(message, query.topic, transport),
    );
    return query.id ? letters.filter((letter) => letter.id === query.id) : letters;
  }

  /**
   * Republishes the selected dead letters (at most `limit`, paced at `ratePerSec`) to their
   * original topic or `targetTopic`, with their original headers plus `x-replayed-from` and a
   * raised `x-replay-count`, and removes each from the dead-letter topic only once its publish
   * was confirmed. One that fails again comes back with its count; at `maxReplays` it is skipped.
   */
  async replay(options: ReplayOptions): Promise<ReplayReport> {
    checkReplayOptions(options);
    const name = options.transport ?? this.registry.defaultName;
    const source = await this.browsable(name);
    const maxReplays = options.maxReplays ?? DEFAULT_MAX_REPLAYS;
    const pauseMs = 1000 / (options.ratePerSec ?? DEFAULT_RATE_PER_SEC);
    const from = `${name}:${options.topic}`;
    const replayed: ReplayedLetter[] = [];
    const skipped: DeadLetter[] = [];
    const failed: { letter: DeadLetter; error: string }[] = [];
    const metrics = await this.replayMetrics();
    const count = (outcome: ReplayOutcome) => metrics?.replay(name, options.topic, outcome);
    const browse = await source.browse(options.topic, options.scan ?? DEFAULT_SCAN);
    try {
      for (const { message, letter } of this.select(browse, options, name)) {
        if (replayed.length + failed.length >= options.limit) break;
        if (letter.replayCount >= maxReplays) {
          skipped.push(letter);
          count('skipped');
          continue;
        }
        const toTopic = options.targetTopic ?? letter.originalTopic;
        const toTransport = options.targetTransport ?? letter.originalTransport ?? name;
        if (!toTopic) {
          failed.push({ letter, error: 'no x-dlq-original-topic header; pass targetTopic' });
          count('failed');
          continue;
        }
        if (options.dryRun) {
          replayed.push({ letter, toTopic, toTransport });
          continue;
        }
        if (replayed.length + failed.length > 0) await sleep(pauseMs);
        try {
          const target = await this.registry.connected(toTransport);
          await target.publish({ topic: toTopic, body: message.body, headers: replayHeaders(message.headers, from, letter.replayCount + 1), key: message.key });
          await browse.remove(message);
          replayed.push({ letter, toTopic, toTransport });
          count('replayed');
        } catch (error) {
          failed.push({ letter, error: (error as Error).message });
          count('failed');
          this.logger.warn(`replay of dead letter ${letter.id} from ${from} to ${toTopic} failed: ${(error as Error).message}`, {
            transport: name,
            topic: options.topic,
            event_id: letter.eventId,
            correlation_id: letter.correlationId,
            outcome: 'replay-failed',
            error: errorFields(error),
          });
        }
      }
    } finally {
      await browse.release();
    }
    const dryRun = options.dryRun ?? false;
    this.logger.log(
      `${dryRun ? 'dry run: would replay' : 'replayed'} ${replayed.length} dead letter(s) of ${from}${skipped.length ? `, skipped ${skipped.length} at ${maxReplays} replays` : ''}${failed.length ? `, ${failed.length} failed` : ''}`,
      { transport: name, topic: options.topic, outcome: dryRun ? 'dry-run' : 'replayed', replayed: replayed.length, skipped: skipped.length, failed: failed.length },
    );
    return { transport: name, topic: options.topic, dryRun, replayed, skipped, failed };
  }

  private async read<T extends DeadLetter>(
    query: DeadLetterQuery,
    defaultLimit: number,
    describe: (message: BrowsedMessage, transport: string) => T,
  ): Promise<T[]> {
    const name = query.transport ?? this.registry.defaultName;
    const browse = await (await this.browsable(name)).browse(query.topic, query.scan ?? DEFAULT_SCAN);
    try {
      const letters: T[] = [];
      const limit = query.limit ?? defaultLimit;
      for (const message of browse.messages) {
        const letter = describe(message, name);
        if (matchesQuery(letter, query)) letters.push(letter);
        if (letters.length >= limit) break;
      }
      return letters;
    } finally {
      await browse.release();
    }
  }

  private *select(browse: BrowsedMessages, query: DeadLetterQuery, transport: string): Generator<{ message: BrowsedMessage; letter: DeadLetter }> {
    for (const message of browse.messages) {
      const letter = deadLetterOf(message, query.topic, transport);
      if (matchesQuery(letter, query)) yield { message, letter };
    }
  }

  private async browsable(name: string): Promise<Transport & Required<Pick<Transport, 'browse'>>> {
    const transport = await this.registry.connected(name);
    if (typeof transport.browse !== 'function') {
      throw new ConfigurationError(`DeadLetters: transport '${name}' (${transport.kind}) cannot read messages without consuming them`);
    }
    return transport as Transport & Required<Pick<Transport, 'browse'>>;
  }

  private replayMetrics(): Promise<DeadLetterMetrics | undefined> {
    return (this.metrics ??= this.telemetry.metrics ? DeadLetterMetrics.create(this.telemetry.metrics) : Promise.resolve(undefined));
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
