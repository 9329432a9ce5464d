/** Where a transport's broker is, for the document (nestream's transports do not expose their addresses). */
export interface AsyncApiServerOptions {
  /** `host[:port]`, e.g. `kafka-1.internal:9092`. */
  readonly host: string;
  readonly pathname?: string;
  readonly description?: string;
}

export interface AsyncApiOptions {
  /** Default: the module's `serviceName`. */
  readonly title?: string;
  /** The version of this service's API. Default '1.0.0'. */
  readonly version?: string;
  /** CommonMark. */
  readonly description?: string;
  /**
   * By transport name. A transport not named here is described by its kind, with its host
   * left as a `{host}` server variable.
   */
  readonly servers?: Readonly<Record<string, AsyncApiServerOptions>>;
}
