import type { ContractMetadata } from '../core/contract.js';
import { ContentTypes, Headers } from '../core/headers.js';
import type { AsyncApiMessage, JsonSchema } from './asyncapi-document.js';
import { messageBindings } from './bindings.js';
import { deadLetterHeadersSchema, eventHeadersSchema } from './message-headers.js';
import { safeKey, uniqueKey } from './ids.js';
import { ContractSchemas } from './contract-schema.js';
import { standardPayloadSchema } from './standard-json-schema.js';

const CORRELATION = { description: 'One id for every message of a flow.', location: `$message.header#/${Headers.correlationId}` };

/**
 * `components.messages` and `components.schemas`: one message per contract class (its payload
 * schema beside it), one for dead letters, one per topic that no contract describes.
 */
export class MessageCatalog {
  readonly messages: Record<string, AsyncApiMessage> = {};
  private readonly payloads = new ContractSchemas();
  private readonly byContract = new Map<Function, string>();
  private readonly keys = new Set<string>();
  private deadLetterKey?: string;

  get schemas(): Record<string, JsonSchema> {
    return this.payloads.schemas;
  }

  /** The message of a contract; `kinds`: the transport kinds it travels on (for bindings). */
  contract(contract: ContractMetadata, kinds: Iterable<string>): string {
    const known = this.byContract.get(contract.target);
    if (known) return known;
    const key = this.claim(contract.target.name || contract.name, contract.version);
    this.byContract.set(contract.target, key);
    const bindings = messageBindings(kinds);
    this.messages[key] = {
      name: contract.name,
      title: contract.target.name || contract.name,
      summary: contract.version ? `${contract.name} ${contract.version}` : contract.name,
      ...(contract.description ? { description: contract.description } : {}),
      contentType: ContentTypes.json,
      headers: eventHeadersSchema(contract),
      payload: this.payloadOf(contract),
      correlationId: CORRELATION,
      ...(bindings ? { bindings } : {}),
      'x-nestream-event-type': contract.name,
      ...(contract.version ? { 'x-nestream-event-version': contract.version } : {}),
    };
    return key;
  }

  deadLetter(): string {
    if (this.deadLetterKey) return this.deadLetterKey;
    const key = (this.deadLetterKey = this.claim('DeadLetter'));
    this.messages[key] = {
      name: 'dead-letter',
      title: 'Dead letter',
      summary: 'A message whose handling failed for good: retries spent, or an error that is not retried.',
      description:
        'The original body and headers as they arrived, plus `x-dlq-*` headers saying why, where from and after how many attempts. ' +
        'A monitor subscribes with `decode: false` to read bodies that did not decode.',
      headers: deadLetterHeadersSchema(),
      payload: { description: 'The original body, unchanged (it may be the invalid one).' },
      correlationId: CORRELATION,
    };
    return key;
  }

  /** A topic subscribed or published by name only: its body is not described. */
  untyped(topic: string): string {
    const key = this.claim(topic);
    this.messages[key] = {
      name: topic,
      title: topic,
      summary: 'Not described by an event contract: the handler or publisher names the topic only.',
      headers: eventHeadersSchema(undefined),
      payload: { description: 'Any body.' },
      correlationId: CORRELATION,
    };
    return key;
  }

  /** class-validator rules, or the Standard Schema that `defineContract` validates with instead. */
  private payloadOf(contract: ContractMetadata) {
    const { schema } = contract;
    return schema ? this.payloads.refOfGiven(contract.target, () => standardPayloadSchema(schema)) : this.payloads.refOf(contract.target);
  }

  private claim(name: string, qualifier?: string): string {
    const key = uniqueKey(this.keys, safeKey(name), qualifier);
    this.keys.add(key);
    return key;
  }
}
