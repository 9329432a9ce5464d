import type { ValidationArguments } from 'class-validator';

/**
 * class-validator's default messages for the rules nestream compiles, as of class-validator
 * 0.14–0.15. Compilation checks each against the constraint's own `defaultMessage` before
 * using it, so a class-validator that words one differently keeps its own path for that class.
 */
const DEFAULT_MESSAGES: Readonly<Record<string, string>> = {
  isString: '$property must be a string',
  isInt: '$property must be an integer number',
  isNumber: '$property must be a number conforming to the specified constraints',
  isBoolean: '$property must be a boolean value',
  isEmail: '$property must be an email',
  isUuid: '$property must be a UUID',
  isIso8601: '$property must be a valid ISO 8601 date string',
  isDateString: '$property must be a valid ISO 8601 date string',
  isDate: '$property must be a Date instance',
  isIn: '$property must be one of the following values: $constraint1',
  isEnum: '$property must be one of the following values: $constraint2',
  isDefined: '$property should not be null or undefined',
  isNotEmpty: '$property should not be empty',
  min: '$property must not be less than $constraint1',
  max: '$property must not be greater than $constraint1',
  isPositive: '$property must be a positive number',
  minLength: '$property must be longer than or equal to $constraint1 characters',
  maxLength: '$property must be shorter than or equal to $constraint1 characters',
  matches: '$property must match $constraint1 regular expression',
  isUrl: '$property must be a URL address',
  isObject: '$property must be an object',
  isArray: '$property must be an array',
  arrayMinSize: '$property must contain at least $constraint1 elements',
  arrayMaxSize: '$property must contain no more than $constraint1 elements',
  arrayNotEmpty: '$property should not be empty',
};

/** Whether nestream knows the default message of this constraint. */
export function hasDefaultMessage(constraint: string): boolean {
  return constraint in DEFAULT_MESSAGES || constraint === 'isLength';
}

/** The default message before token replacement; `each` adds class-validator's 'each value in ' prefix. */
export function defaultMessage(constraint: string, each: boolean, args: ValidationArguments): string {
  const prefix = each ? 'each value in ' : '';
  if (constraint === 'isLength') return prefix + lengthMessage(args);
  return prefix + (DEFAULT_MESSAGES[constraint] ?? '');
}

/** @Length words its message after the value: too short, too long, or (neither bound failed) both bounds. */
function lengthMessage(args: ValidationArguments): string {
  const [min, max] = args.constraints as [number | null | undefined, number | null | undefined];
  const value = args.value as { length: number } | undefined;
  const hasMin = min !== null && min !== undefined;
  const hasMax = max !== null && max !== undefined;
  if (hasMin && (!value || value.length < min)) return '$property must be longer than or equal to $constraint1 characters';
  if (hasMax && value!.length > max) return '$property must be shorter than or equal to $constraint2 characters';
  return '$property must be longer than or equal to $constraint1 and shorter than or equal to $constraint2 characters';
}

/** class-validator's token replacement ($constraintN, $value, $property, $target), step for step. */
export function replaceMessageTokens(message: unknown, args: ValidationArguments): string {
  let text: string | undefined;
  if (message instanceof Function) text = message(args);
  else if (typeof message === 'string') text = message;
  if (text && Array.isArray(args.constraints)) {
    args.constraints.forEach((constraint, index) => {
      text = text!.replace(new RegExp(`\\$constraint${index + 1}`, 'g'), constraintToString(constraint));
    });
  }
  const value = args.value;
  if (text && value !== undefined && value !== null && ['string', 'boolean', 'number'].includes(typeof value)) {
    text = text.replace(/\$value/g, value as string);
  }
  if (text) text = text.replace(/\$property/g, args.property);
  if (text) text = text.replace(/\$target/g, args.targetName);
  return text as string;
}

function constraintToString(constraint: unknown): string {
  if (Array.isArray(constraint)) return constraint.join(', ');
  if (typeof constraint === 'symbol') return `${constraint.description}`;
  return `${constraint}`;
}
