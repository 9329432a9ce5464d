/** Says what is wrong with one option's value, or undefined when it is fine. */
export type OptionCheck = (value: unknown) => string | undefined;

/**
 * Every key of a transport's subscriber options type, each with its check: `satisfies
 * OptionSpec<KafkaSubscriberOptions>` makes the compiler hold the spec and the type together.
 */
export type OptionSpec<T> = { readonly [K in keyof Required<T>]: OptionCheck };

/** The problems of `options` against `spec`: unknown keys (with the known ones) and bad values. */
export function checkOptions<T>(spec: OptionSpec<T>, options: Readonly<Record<string, unknown>>): string[] {
  const known = Object.keys(spec);
  const problems: string[] = [];
  for (const [key, value] of Object.entries(options)) {
    const check = (spec as Record<string, OptionCheck | undefined>)[key];
    if (!check) problems.push(`unknown option '${key}' (known: ${known.join(', ')})`);
    else if (value !== undefined) {
      const problem = check(value);
      if (problem) problems.push(`'${key}' ${problem}`);
    }
  }
  return problems;
}

/** The checks options use. */
export const is = {
  boolean: ((v) => (typeof v === 'boolean' ? undefined : `must be true or false, got ${show(v)}`)) as OptionCheck,
  string: ((v) => (typeof v === 'string' && v.length > 0 ? undefined : `must be a non-empty string, got ${show(v)}`)) as OptionCheck,
  positiveInteger: ((v) => (Number.isInteger(v) && (v as number) > 0 ? undefined : `must be a positive integer, got ${show(v)}`)) as OptionCheck,
  nonNegativeNumber: ((v) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? undefined : `must be a number ≥ 0, got ${show(v)}`)) as OptionCheck,
  object: ((v) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? undefined : `must be an object, got ${show(v)}`)) as OptionCheck,
  /** Checked by the broker's client itself (a pass-through of native options). */
  native: (() => undefined) as OptionCheck,
  oneOf:
    (...allowed: readonly unknown[]): OptionCheck =>
    (v) =>
      allowed.includes(v) ? undefined : `must be one of ${allowed.map(show).join(', ')}, got ${show(v)}`,
};

function show(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : Array.isArray(value) ? 'an array' : String(value);
}
