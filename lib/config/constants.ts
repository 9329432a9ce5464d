/** Reflection metadata keys, namespaced so they never clash with other libraries'. */
export const SUBSCRIBER_METADATA = 'nestream:subscribers';
export const PUBLISHER_METADATA = 'nestream:publishers';
export const EVENT_CONTRACT_METADATA = 'nestream:event_contract';
export const INTERCEPTORS_METADATA = 'nestream:interceptors';

/** The transport used when the module configures none. */
export const DEFAULT_MEMORY_TRANSPORT = 'memory';
