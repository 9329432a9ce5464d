import { ConfigurationError } from '../core/errors.js';

/**
 * Loads an optional peer dependency (prom-client, @opentelemetry/api) when a feature that
 * needs it is turned on, so apps that leave the feature off never need the package. A dynamic
 * import, not a require: the app and nestream then share one instance of the package.
 */
export async function loadOptionalPeer<T>(name: string, feature: string): Promise<T> {
  try {
    const loaded = (await import(name)) as T & { default?: T };
    // A CommonJS package imported from ESM: its exports may sit on `default` only.
    return (loaded.default && typeof loaded.default === 'object' ? { ...loaded.default, ...loaded } : loaded) as T;
  } catch (error) {
    throw new ConfigurationError(`NestreamModule: ${feature} needs the optional package '${name}' (npm install ${name}): ${(error as Error).message}`);
  }
}
