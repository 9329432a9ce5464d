import { ConfigurationError } from '../../core/errors.js';

/**
 * What loading a client library can fail on before any broker is asked: its package is not
 * installed (both are optional peers), or the running Node is older than `@platformatic/kafka`
 * supports. Either fails the connect with a ConfigurationError saying what to do; nothing falls
 * back to the other client silently.
 */

/** The package of each client library, as `npm install` takes it. */
export const CLIENT_PACKAGES = { kafkajs: 'kafkajs', platformatic: '@platformatic/kafka' } as const;

/** `@platformatic/kafka` 2.x's engines (`>= 22.22.0 || >= 24.6.0`), read per release line. */
export const PLATFORMATIC_NODE = { 22: 22, 24: 6 } as const;
export const PLATFORMATIC_NODE_TEXT = 'Node >= 22.22 on 22, >= 24.6 on 24, or 25 and later';

/**
 * Whether `@platformatic/kafka` 2.x supports this Node version (`process.versions.node`).
 * Node 23, an odd line past its end of life, is left out with 24.0-24.5: what 24.6 brought is
 * not in it either.
 */
export function platformaticSupportsNode(version: string): boolean {
  const [major = 0, minor = 0] = version.replace(/^v/, '').split('.').map(Number);
  if (major >= 25) return true;
  const minimum = PLATFORMATIC_NODE[major as keyof typeof PLATFORMATIC_NODE];
  return minimum !== undefined && minor >= minimum;
}

/** Throws, naming the running version, the supported ones and the alternative, unless this Node runs `@platformatic/kafka`. */
export function assertPlatformaticNode(version: string = process.versions.node): void {
  if (platformaticSupportsNode(version)) return;
  throw new ConfigurationError(
    `KafkaTransport: its default client, @platformatic/kafka 2.x, needs ${PLATFORMATIC_NODE_TEXT}; this is Node ${version}. ` +
      `Upgrade Node, or set library: 'kafkajs' (and npm install kafkajs) to run on kafkajs.`,
  );
}

/** Imports a client library; a package that is not installed is named, with the command that installs it. */
export async function importClientLibrary<T>(library: keyof typeof CLIENT_PACKAGES, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (!isMissingPackage(error, CLIENT_PACKAGES[library])) throw error;
    throw missingClientError(library, error);
  }
}

/** The error for a client library whose package is not installed. */
export function missingClientError(library: keyof typeof CLIENT_PACKAGES, cause?: unknown): ConfigurationError {
  const name = CLIENT_PACKAGES[library];
  const message =
    library === 'platformatic'
      ? `KafkaTransport: its default client, ${name}, is not installed: npm install ${name} (or set library: 'kafkajs' and npm install kafkajs)`
      : `KafkaTransport with library: 'kafkajs': kafkajs is not installed: npm install kafkajs (or leave library out and npm install ${CLIENT_PACKAGES.platformatic})`;
  return new ConfigurationError(message, { cause });
}

/** Node's (ERR_MODULE_NOT_FOUND) or a CommonJS resolver's (MODULE_NOT_FOUND, jest's) "no such package", for this package. */
export function isMissingPackage(error: unknown, name: string): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && typeof message === 'string' && message.includes(`'${name}'`);
}
