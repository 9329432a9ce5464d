import { Inject } from '@nestjs/common';
import { getPublisherToken } from './publisher-token.js';
import type { ContractClass } from '../core/contract.js';

/** Injects the `EventPublisher` of a contract (or topic) provided by `NestreamModule.forFeature`. */
export const InjectPublisher = (target: ContractClass | string): ParameterDecorator & PropertyDecorator =>
  Inject(getPublisherToken(target));
