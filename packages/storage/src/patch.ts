/** A method as the wrappers see it: any arguments, any result. */
export type Method = (...args: unknown[]) => unknown;

/**
 * Replaces `name` on this one object (not its prototype) by `make(original)`, keeping the original's
 * `this`. The object keeps its class, identity and every other member, so callers see no difference.
 */
export function replaceMethod<T extends object>(
  target: T,
  name: string,
  make: (original: Method) => Method,
): void {
  const original = (target as Record<string, unknown>)[name];
  if (typeof original !== 'function') return;
  const bound = (...args: unknown[]): unknown => Reflect.apply(original, target, args);
  Object.defineProperty(target, name, {
    value: make(bound),
    writable: true,
    configurable: true,
    enumerable: Object.prototype.propertyIsEnumerable.call(target, name),
  });
}
