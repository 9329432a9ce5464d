import { Inject } from '@nestjs/common';
import type { ContractClass } from '../core/contract.js';
import { contractOf } from '../decorators/metadata-accessor.js';

export const OUTBOX_OPTIONS = Symbol('nestream:outbox-options');

/** Token of the outbox publisher of a contract (or topic). */
export function getOutboxToken(target: ContractClass | string): string {
  return `nestream:outbox:${typeof target === 'string' ? target : contractOf(target, 'getOutboxToken').name}`;
}

/** Injects the `OutboxPublisher` of a contract given to `NestreamOutboxModule.forFeature`. */
export const InjectOutbox = (target: ContractClass | string): ParameterDecorator => Inject(getOutboxToken(target));
