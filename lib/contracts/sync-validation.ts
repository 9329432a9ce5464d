import { getMetadataStorage, ValidationTypes } from 'class-validator';

const verdicts = new WeakMap<Function, boolean>();

/**
 * True when every rule of the contract class is synchronous, so `validateSync` gives the same
 * verdict as `validate` without a promise per property (about half the cost per message).
 * Nested and promise validation, and custom constraints declared `async`, keep the async path.
 * Decided once per class, on its first message.
 */
export function validatesSynchronously(contract: Function): boolean {
  let verdict = verdicts.get(contract);
  if (verdict === undefined) verdicts.set(contract, (verdict = onlySyncRules(contract)));
  return verdict;
}

function onlySyncRules(contract: Function): boolean {
  const storage = getMetadataStorage();
  return storage.getTargetValidationMetadatas(contract, '', true, false).every((rule) => {
    if (rule.type === ValidationTypes.NESTED_VALIDATION || rule.type === ValidationTypes.PROMISE_VALIDATION) return false;
    if (rule.type !== ValidationTypes.CUSTOM_VALIDATION || !rule.constraintCls) return true;
    return storage.getTargetValidatorConstraints(rule.constraintCls).every((constraint) => !constraint.async);
  });
}
