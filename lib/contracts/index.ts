// What lib/contracts offers the layers above it (the AsyncAPI document maps the rule model to JSON Schema).
export {
  readContractRules,
  type ContractRules,
  type ContractProperty,
  type ContractRule,
  type RuleKind,
  type PropertyTransform,
  type ValidationMetadata,
} from './contract-rules.js';
export { checkerOf, validatorOf, validateContract, type PayloadValidator } from './contract-validator.js';
export { planOf } from './compile-contract.js';
export { defineContract, type SchemaContract, type EventOf, type EventInputOf } from './define-contract.js';
export { schemaIssues } from './schema-validator.js';
