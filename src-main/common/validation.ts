/**
 * A small vocabulary for checking plain-JSON values that arrive from outside (the channel's arguments):
 * each check takes an unknown value and returns it typed, or throws an 'invalid-input' OcmError that
 * names where in the message the value is wrong. Objects come back with their declared keys only.
 *
 * The checks are typed, so a declaration such as `object({ limit: optional(integer({ min: 1 })) })`
 * compiles only where its result fits the parameter it guards (see the surfaces in services.ts).
 */
import { OcmError } from './errors';

/** Checks one value; `path` names it in the error (e.g. `instances.add argument 1 .url`). */
export type Check<T> = (value: unknown, path: string) => T;

/** The longest string accepted unless a check says otherwise. */
export const DEFAULT_MAX_STRING = 4096;
/** The most items an array may hold unless a check says otherwise. */
export const DEFAULT_MAX_ITEMS = 10_000;

/** Throws the boundary's one error. */
export function invalid(path: string, problem: string): never {
  throw new OcmError('invalid-input', `The request was refused: ${path} ${problem}.`, { hint: 'The app sent a malformed request; nothing was done.' });
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** A string of at most `max` characters (and at least `min`). */
export function string(options: { min?: number; max?: number } = {}): Check<string> {
  const max = options.max ?? DEFAULT_MAX_STRING;
  const min = options.min ?? 0;
  return (value, path) => {
    if (typeof value !== 'string') return invalid(path, `must be text, not ${describe(value)}`);
    if (value.length > max) return invalid(path, `is longer than ${max} characters`);
    if (value.length < min) return invalid(path, min === 1 ? 'must not be empty' : `is shorter than ${min} characters`);
    return value;
  };
}

/** A finite number within the bounds. */
export function number(options: { min?: number; max?: number } = {}): Check<number> {
  return (value, path) => {
    if (typeof value !== 'number' || !Number.isFinite(value)) return invalid(path, `must be a number, not ${describe(value)}`);
    if (options.min !== undefined && value < options.min) return invalid(path, `must be at least ${options.min}`);
    if (options.max !== undefined && value > options.max) return invalid(path, `must be at most ${options.max}`);
    return value;
  };
}

/** A whole number (a safe integer) within the bounds. */
export function integer(options: { min?: number; max?: number } = {}): Check<number> {
  const bounded = number(options);
  return (value, path) => {
    if (typeof value === 'number' && !Number.isSafeInteger(value)) return invalid(path, 'must be a whole number');
    return bounded(value, path);
  };
}

/** true or false. */
export const boolean: Check<boolean> = (value, path) => (typeof value === 'boolean' ? value : invalid(path, `must be true or false, not ${describe(value)}`));

/** One of the given strings. */
export function oneOf<const T extends string>(...values: readonly T[]): Check<T> {
  return (value, path) => ((values as readonly unknown[]).includes(value) ? (value as T) : invalid(path, `must be one of ${values.join(', ')}`));
}

/** The value, or undefined when it is absent (`undefined` or `null`, which JSON turns `undefined` into in lists). */
export function optional<T>(check: Check<T>): Check<T | undefined> {
  return (value, path) => (value === undefined || value === null ? undefined : check(value, path));
}

/** A list of at most `max` items, each checked. */
export function array<T>(item: Check<T>, options: { max?: number } = {}): Check<T[]> {
  const max = options.max ?? DEFAULT_MAX_ITEMS;
  return (value, path) => {
    if (!Array.isArray(value)) return invalid(path, `must be a list, not ${describe(value)}`);
    if (value.length > max) return invalid(path, `has more than ${max} items`);
    return value.map((entry, index) => item(entry, `${path}[${index}]`));
  };
}

/** Checks for each declared key of an object type. */
export type Shape<T> = { [K in keyof T]-?: Check<T[K]> };

/**
 * A plain object with the declared keys (absent optional keys stay absent); any other key is refused,
 * so a misspelt or smuggled field never reaches a service.
 */
export function object<T extends object>(shape: Shape<T>): Check<T> {
  const keys = Object.keys(shape) as (keyof T & string)[];
  return (value, path) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return invalid(path, `must be an object, not ${describe(value)}`);
    for (const key of Object.keys(value)) {
      if (!Object.prototype.hasOwnProperty.call(shape, key)) return invalid(`${path}.${key}`, 'is not a known field');
    }
    const out = {} as T;
    for (const key of keys) {
      const checked = shape[key]((value as Record<string, unknown>)[key], `${path}.${key}`);
      if (checked !== undefined) out[key] = checked;
    }
    return out;
  };
}

/** An object of string keys (at most `max`) to checked values, e.g. message parameters. */
export function record<T>(item: Check<T>, options: { max?: number } = {}): Check<Record<string, T>> {
  const max = options.max ?? 100;
  return (value, path) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return invalid(path, `must be an object, not ${describe(value)}`);
    const entries = Object.entries(value);
    if (entries.length > max) return invalid(path, `has more than ${max} fields`);
    const out: Record<string, T> = {};
    for (const [key, entry] of entries) Object.defineProperty(out, key, { value: item(entry, `${path}.${key}`), enumerable: true, writable: true, configurable: true });
    return out;
  };
}

/**
 * One of several object shapes, told apart by which one of the given keys the value has (a value with
 * none of them, or with more than one, is refused).
 */
export function variants<T>(alternatives: { readonly [key: string]: Check<T> }): Check<T> {
  const keys = Object.keys(alternatives);
  return (value, path) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return invalid(path, `must be an object, not ${describe(value)}`);
    const present = keys.filter((key) => Object.prototype.hasOwnProperty.call(value, key));
    if (present.length !== 1) return invalid(path, `must have exactly one of ${keys.join(', ')}`);
    return alternatives[present[0]](value, path);
  };
}

/**
 * One of several object shapes, told apart by the value of their `key` member (a tagged union such as
 * `{ kind: 'webhook', … } | { kind: 'email', … }`); an unknown or missing tag is refused.
 */
export function tagged<T>(key: string, alternatives: { readonly [tag: string]: Check<T> }): Check<T> {
  const tags = Object.keys(alternatives);
  return (value, path) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return invalid(path, `must be an object, not ${describe(value)}`);
    const tag = (value as Record<string, unknown>)[key];
    if (typeof tag !== 'string' || !Object.prototype.hasOwnProperty.call(alternatives, tag)) return invalid(`${path}.${key}`, `must be one of ${tags.join(', ')}`);
    return alternatives[tag](value, path);
  };
}
