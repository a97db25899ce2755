/**
 * Structural comparison of decoded RPC values: same kinds (int, double, string, boolean, array, struct),
 * same struct member names, array elements of the same shapes. Values themselves may differ.
 */
import { PyFloat } from '../../../src-main/simulator/codec/values';

type Kind = 'int' | 'double' | 'number' | 'string' | 'boolean' | 'array' | 'struct' | 'nil';

function kind(value: unknown): Kind {
  if (value === null || value === undefined) return 'nil';
  if (value instanceof PyFloat) return 'double';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'double';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'boolean';
  if (Array.isArray(value)) return 'array';
  return 'struct';
}

/** Lists every structural difference between `actual` and `expected` (empty when they match). */
export function shapeDifferences(actual: unknown, expected: unknown, path = '$', looseNumbers = false): string[] {
  let actualKind = kind(actual);
  let expectedKind = kind(expected);
  if (looseNumbers) {
    if (actualKind === 'int' || actualKind === 'double') actualKind = 'number';
    if (expectedKind === 'int' || expectedKind === 'double') expectedKind = 'number';
  }
  if (actualKind !== expectedKind) return [`${path}: ${actualKind} instead of ${expectedKind}`];
  if (expectedKind === 'array') {
    const a = actual as unknown[];
    const e = expected as unknown[];
    if (!a.length || !e.length) return a.length === e.length ? [] : [`${path}: ${a.length} elements instead of ${e.length}`];
    const homogeneous = e.every((item) => kind(item) === kind(e[0]));
    if (!homogeneous) {
      if (a.length !== e.length) return [`${path}: ${a.length} elements instead of ${e.length} (mixed-type array)`];
      return a.flatMap((item, index) => shapeDifferences(item, e[index], `${path}[${index}]`, looseNumbers));
    }
    return a.flatMap((item, index) => shapeDifferences(item, e[Math.min(index, e.length - 1)], `${path}[${index}]`, looseNumbers));
  }
  if (expectedKind === 'struct') {
    const a = actual as Record<string, unknown>;
    const e = expected as Record<string, unknown>;
    const actualKeys = Object.keys(a).sort();
    const expectedKeys = Object.keys(e).sort();
    if (actualKeys.join('\u0000') !== expectedKeys.join('\u0000')) {
      return [`${path}: members ${JSON.stringify(actualKeys)} instead of ${JSON.stringify(expectedKeys)}`];
    }
    return expectedKeys.flatMap((key) => shapeDifferences(a[key], e[key], `${path}.${key}`, looseNumbers));
  }
  return [];
}

/** The last non-empty line of a text (for tracebacks). */
export function lastLine(text: string): string {
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  return lines[lines.length - 1] ?? '';
}
