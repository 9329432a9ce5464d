/** Stores decorator metadata as an array, so the same decorator can be stacked on one method. */
export function appendMetadata<T>(key: string, value: T, target: object): void {
  const existing = (Reflect.getMetadata(key, target) as T[] | undefined) ?? [];
  Reflect.defineMetadata(key, [...existing, value], target);
}
