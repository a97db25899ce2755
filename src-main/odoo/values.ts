/**
 * Checks that call arguments are values Odoo's RPC can carry, before they are encoded. The `xmlrpc`
 * package silently encodes `undefined` and BigInt as empty values (and JSON drops `undefined` members),
 * which would turn a programming mistake into a wrong query on the server.
 */
import { OcmError } from '../common/errors';
import type { OdooValue } from './types';

/** Throws 'invalid-input' naming the first value that is not an {@link OdooValue} (with its path). */
export function assertOdooValues(args: readonly unknown[], what: string): asserts args is OdooValue[] {
  args.forEach((value, index) => check(value, `${what} argument ${index + 1}`, 0));
}

function check(value: unknown, path: string, depth: number): void {
  if (depth > 64) throw invalid(path, 'is nested too deeply');
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return;
    case 'number':
      if (!Number.isFinite(value)) throw invalid(path, `is ${value}, which Odoo cannot receive`);
      return;
    case 'undefined':
      throw invalid(path, 'is undefined (use false for an empty value, or leave the key out)');
    case 'bigint':
      throw invalid(path, 'is a BigInt, which Odoo RPC cannot carry (use a number)');
    case 'object': {
      if (value === null) throw invalid(path, 'is null (Odoo RPC uses false for empty values)');
      if (Array.isArray(value)) {
        value.forEach((item, index) => check(item, `${path}[${index}]`, depth + 1));
        return;
      }
      const prototype = Object.getPrototypeOf(value);
      if (prototype !== Object.prototype && prototype !== null) {
        throw invalid(path, `is a ${(value as object).constructor?.name ?? 'non-plain object'} (send plain objects, strings for dates)`);
      }
      for (const [key, item] of Object.entries(value)) check(item, `${path}.${key}`, depth + 1);
      return;
    }
    default:
      throw invalid(path, `is a ${typeof value}, which Odoo RPC cannot carry`);
  }
}

function invalid(path: string, problem: string): OcmError {
  return new OcmError('invalid-input', `The ${path} ${problem}.`, {
    hint: 'This is a bug in the caller: the call was not sent.',
  });
}
