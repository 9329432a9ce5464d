/**
 * The part of AsyncAPI 3.0 that nestream writes, typed so the builder cannot drift from the
 * spec's shape. Extension fields (`x-...`) are allowed where the spec allows them.
 */
export type JsonSchema = { readonly [keyword: string]: unknown };

export interface Reference {
  readonly $ref: string;
}

export type Extensions = { readonly [key: `x-${string}`]: unknown };

export type Bindings = { readonly [protocol: string]: Record<string, unknown> };

export interface ServerVariable {
  readonly description?: string;
  readonly default?: string;
  readonly examples?: readonly string[];
}

export type AsyncApiServer = Extensions & {
  readonly host: string;
  readonly protocol: string;
  readonly pathname?: string;
  readonly title?: string;
  readonly description?: string;
  readonly variables?: Record<string, ServerVariable>;
};

export type AsyncApiChannel = Extensions & {
  readonly address: string;
  readonly title?: string;
  readonly description?: string;
  readonly servers: readonly Reference[];
  readonly messages: Record<string, Reference>;
  readonly bindings?: Bindings;
};

export type AsyncApiOperation = Extensions & {
  readonly action: 'send' | 'receive';
  readonly channel: Reference;
  readonly title?: string;
  readonly summary?: string;
  readonly description?: string;
  readonly messages: readonly Reference[];
  readonly bindings?: Bindings;
};

export type AsyncApiMessage = Extensions & {
  /** Machine-friendly name: the event type. */
  readonly name: string;
  readonly title?: string;
  readonly summary?: string;
  readonly description?: string;
  readonly contentType?: string;
  readonly headers: JsonSchema | Reference;
  readonly payload: JsonSchema | Reference;
  readonly correlationId?: { readonly description?: string; readonly location: string };
  readonly bindings?: Bindings;
};

export interface AsyncApiDocument {
  readonly asyncapi: '3.0.0';
  readonly info: { readonly title: string; readonly version: string; readonly description?: string } & Extensions;
  readonly defaultContentType: string;
  readonly servers: Record<string, AsyncApiServer>;
  readonly channels: Record<string, AsyncApiChannel>;
  readonly operations: Record<string, AsyncApiOperation>;
  readonly components: {
    readonly messages: Record<string, AsyncApiMessage>;
    readonly schemas: Record<string, JsonSchema>;
  };
}

/** A `$ref` to a path of the same document; JSON Pointer escapes `~` and `/` in keys. */
export function ref(...path: string[]): Reference {
  return { $ref: `#/${path.map((part) => part.replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}` };
}
