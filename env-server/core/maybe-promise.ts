import type { MaybePromise } from "../../adapters/contract.js";

export type { MaybePromise };

/**
 * Applies `f` to a value that may or may not be a promise, staying synchronous
 * when it is not. Sokoban steps in ~100 ns; a promise per step would cost more
 * than the step itself, so the server only awaits environments that need it.
 */
export function andThen<T, U>(value: MaybePromise<T>, f: (v: T) => MaybePromise<U>): MaybePromise<U> {
  return value instanceof Promise ? value.then(f) : f(value);
}

export function isPromise<T>(value: MaybePromise<T>): value is Promise<T> {
  return value instanceof Promise;
}
