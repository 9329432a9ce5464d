/** Returned when a payload holds something the builder does not copy: plainToInstance builds that one. */
export const NOT_PLAIN = Symbol('nestream:not-plain');

export type InstanceBuilder = (payload: object) => object | typeof NOT_PLAIN;

/**
 * What `plainToInstance(target, payload)` does for a class with no class-transformer metadata,
 * without its per-call executor, option merging and key arrays: a new instance, each own key of
 * the payload copied onto it (nested plain objects and arrays copied deeply), skipping the keys
 * class-transformer skips. Anything else (Dates, Buffers, Maps, Sets, class instances, thenables,
 * a `constructor` key in a nested object) is NOT_PLAIN and goes to class-transformer itself, so
 * the instance is the same either way (the differential test compares them).
 */
export function plainInstanceBuilder(target: new () => object): InstanceBuilder {
  return (payload) => {
    if (!isPlainObject(payload) || typeof (payload as { then?: unknown }).then === 'function') return NOT_PLAIN;
    const instance = new target() as Record<string, unknown>;
    return copyKeys(payload as Record<string, unknown>, instance, instance.constructor.prototype as object | undefined) ? instance : NOT_PLAIN;
  };
}

/** Copies the payload's own keys onto `into`; false when a value is not plain. */
function copyKeys(from: Record<string, unknown>, into: Record<string, unknown>, prototype: object | undefined): boolean {
  for (const key in from) {
    // for...in with hasOwn visits what Object.keys lists, in its order, with no array per message.
    if (!Object.hasOwn(from, key) || key === '__proto__' || key === 'constructor') continue;
    if (skipsKey(into, prototype, key)) continue;
    const value = copyValue(from[key]);
    if (value === NOT_PLAIN) return false;
    into[key] = value;
  }
  return true;
}

/** class-transformer leaves out keys that are read-only or methods on the instance being built. */
function skipsKey(into: Record<string, unknown>, prototype: object | undefined, key: string): boolean {
  if (!prototype) return false;
  const descriptor = Object.getOwnPropertyDescriptor(prototype, key);
  return (descriptor !== undefined && !descriptor.set) || into[key] instanceof Function;
}

function copyValue(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    const copy: unknown[] = [];
    // class-transformer copies with forEach: holes are dropped.
    for (let index = 0; index < value.length; index++) {
      if (!(index in value)) continue;
      const element = copyValue(value[index]);
      if (element === NOT_PLAIN) return NOT_PLAIN;
      copy.push(element);
    }
    return copy;
  }
  if (!isPlainObject(value)) return NOT_PLAIN;
  // class-transformer instantiates `value.constructor` when it is not Object: an own
  // `constructor` key (or a `then` method, returned as it is) is its business.
  const constructor = (value as { constructor?: unknown }).constructor;
  if ((constructor !== Object && constructor !== undefined) || typeof (value as { then?: unknown }).then === 'function') return NOT_PLAIN;
  const copy: Record<string, unknown> = {};
  return copyKeys(value as Record<string, unknown>, copy, Object.prototype) ? copy : NOT_PLAIN;
}

function isPlainObject(value: object): boolean {
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/**
 * True when the builder would make an instance equal to the payload, key for key: objects of
 * this class start empty (no field initialisers) and inherit nothing but Object.prototype's
 * members (every class up the chain has only its constructor). Then checking the payload itself
 * reads what checking the instance reads (see `copiesAsIs`).
 */
export function buildsPlainCopies(target: new () => object): boolean {
  let instance: object;
  try {
    instance = new target();
  } catch {
    return false;
  }
  if (Reflect.ownKeys(instance).length > 0) return false;
  for (let prototype = target.prototype as object | null; prototype && prototype !== Object.prototype; prototype = Object.getPrototypeOf(prototype) as object | null) {
    const own = Reflect.ownKeys(prototype);
    if (own.length !== 1 || own[0] !== 'constructor') return false;
  }
  return true;
}

/**
 * True when copyKeys would copy every key and value of the payload as it is, at every depth:
 * plain objects and hole-free plain arrays of them and of primitives, with no key the copy skips
 * (any name Object.prototype has: `__proto__`, `constructor`, its methods) and no thenable.
 * Allocates nothing.
 */
export function copiesAsIs(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return true;
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) return false;
    for (let index = 0; index < value.length; index++) if (!(index in value) || !copiesAsIs(value[index])) return false;
    return true;
  }
  if (!isPlainObject(value) || typeof (value as { then?: unknown }).then === 'function') return false;
  for (const key in value) {
    if (!Object.hasOwn(value, key)) return false; // an inherited enumerable key: a null-prototype chain
    if (key in Object.prototype || !copiesAsIs((value as Record<string, unknown>)[key])) return false;
  }
  return true;
}
