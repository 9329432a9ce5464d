import type { EventInputOf } from '../contracts/define-contract.js';
import type { EventPublisher } from './event-publisher.js';

/**
 * The typed publisher of a contract, its payload type inferred from the contract (a schema's
 * input type, or the class): `@InjectPublisher(OrderPlaced) orders: PublisherOf<typeof OrderPlaced>`.
 */
export type PublisherOf<C> = EventPublisher<EventInputOf<C>>;
