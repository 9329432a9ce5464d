import { MemoryTransport, type Transport } from '../lib/index.js';

/**
 * The sample's two transports: `main` carries user events, `events` carries onboarding
 * events (the bridge of the multiple-brokers pattern). Both in-memory unless a broker URL is
 * set in the environment; broker transports are wired here as they land.
 */
export async function sampleTransports(): Promise<{ main: Transport; events: Transport }> {
  return { main: new MemoryTransport(), events: new MemoryTransport() };
}
