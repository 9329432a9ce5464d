/**
 * Provided as `true` (in a global module) by tools that read an app's handlers without running
 * it, such as the AsyncAPI CLI: the registrar still resolves and checks every binding at module
 * init, but connects no transport and subscribes nothing at bootstrap.
 */
export const NESTREAM_DISCOVERY_ONLY = Symbol('nestream:discovery_only');
