/**
 * Structural comparison of decoded RPC values: same kinds (int, double, string, boolean, array, struct),
 * same struct member names, array elements of the same shapes. Values themselves may differ. Also the
 * comparers the recorded-exchange replays share (XML-RPC answers, JSON-RPC envelopes, JSON-2 bodies).
 */
import { expect } from 'vitest';
import { parseMethodResponse } from '../../../src-main/simulator/codec/xmlrpc';
import { PyFloat } from '../../../src-main/simulator/codec/values';

type Kind = 'int' | 'double' | 'number' | 'string' | 'boolean' | 'array' | 'struct' | 'nil';

export function kind(value: unknown): Kind {
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

/** An XML-RPC answer against a recorded one: fault code and string (last traceback line), or shape. */
export function compareXmlRpc(actualBody: string, expectedBody: string): void {
  const actual = parseMethodResponse(actualBody, true);
  const expected = parseMethodResponse(expectedBody, true);
  expect(actual.fault).toBe(expected.fault);
  if (expected.fault) {
    const a = actual.value as { faultCode: unknown; faultString: string };
    const e = expected.value as { faultCode: unknown; faultString: string };
    expect(a.faultCode).toBe(e.faultCode);
    if (e.faultString.startsWith('Traceback')) {
      expect(a.faultString.startsWith('Traceback')).toBe(true);
      expect(lastLine(a.faultString)).toBe(lastLine(e.faultString));
    } else {
      expect(a.faultString).toBe(e.faultString);
    }
    return;
  }
  expect(shapeDifferences(actual.value, expected.value)).toEqual([]);
}

/** A JSON-RPC envelope against a recorded one: keys, error code, name, message and last traceback line, or shape. */
export function compareJsonRpc(actualBody: string, expectedBody: string): void {
  const actual = JSON.parse(actualBody) as Record<string, unknown>;
  const expected = JSON.parse(expectedBody) as Record<string, unknown>;
  expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
  expect(actual.jsonrpc).toBe(expected.jsonrpc);
  expect(actual.id).toEqual(expected.id);
  if ('error' in expected) {
    const a = actual.error as { code: number; message: string; data: Record<string, unknown> };
    const e = expected.error as { code: number; message: string; data: Record<string, unknown> };
    expect(a.code).toBe(e.code);
    expect(a.message).toBe(e.message);
    expect(Object.keys(a.data).sort()).toEqual(Object.keys(e.data).sort());
    expect(a.data.name).toBe(e.data.name);
    expect(a.data.message).toBe(e.data.message);
    expect(a.data.arguments).toEqual(e.data.arguments);
    expect(a.data.context).toEqual(e.data.context);
    expect(lastLine(String(a.data.debug))).toBe(lastLine(String(e.data.debug)));
    return;
  }
  expect(shapeDifferences(actual.result, expected.result, '$', true)).toEqual([]);
}

/**
 * A JSON-2 body against a recorded one: an error object (`name`, `message`, `arguments`, `context` and the
 * last line of `debug`), or a bare result of the same shape.
 */
export function compareJson2(actualBody: string, expectedBody: string): void {
  const actual = JSON.parse(actualBody) as unknown;
  const expected = JSON.parse(expectedBody) as unknown;
  const isError = (value: unknown): value is Record<string, unknown> =>
    typeof value === 'object' && value !== null && !Array.isArray(value) && 'debug' in value && 'name' in value;
  if (isError(expected)) {
    expect(isError(actual)).toBe(true);
    const a = actual as Record<string, unknown>;
    expect(Object.keys(a)).toEqual(Object.keys(expected));
    expect(a.name).toBe(expected.name);
    expect(a.message).toBe(expected.message);
    expect(a.arguments).toEqual(expected.arguments);
    expect(a.context).toEqual(expected.context);
    expect(lastLine(String(a.debug))).toBe(lastLine(String(expected.debug)));
    return;
  }
  expect(shapeDifferences(actual, expected, '$', true)).toEqual([]);
}

/** Marks a value the text was cut in the middle of. */
export const INCOMPLETE = Symbol('incomplete');

/** Parses JSON cut off at some point: what is complete is returned, the value being cut is {@link INCOMPLETE}. */
export function parseJsonPrefix(text: string): unknown {
  let at = 0;
  const skip = (): void => {
    while (at < text.length && /\s/.test(text[at])) at++;
  };
  const value = (): unknown => {
    skip();
    if (at >= text.length) return INCOMPLETE;
    const char = text[at];
    if (char === '{' || char === '[') {
      const object = char === '{';
      const out: Record<string, unknown> | unknown[] = object ? {} : [];
      at++;
      for (;;) {
        skip();
        if (at >= text.length) return out;
        if (text[at] === (object ? '}' : ']')) {
          at++;
          return out;
        }
        if (text[at] === ',') at++;
        if (object) {
          const key = value();
          if (key === INCOMPLETE) return out;
          skip();
          at++; // ':'
          (out as Record<string, unknown>)[key as string] = value();
        } else {
          (out as unknown[]).push(value());
        }
        if (at >= text.length) return out;
      }
    }
    if (char === '"') {
      let end = at + 1;
      while (end < text.length && text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      if (end >= text.length) {
        at = text.length;
        return INCOMPLETE;
      }
      const parsed = JSON.parse(text.slice(at, end + 1)) as string;
      at = end + 1;
      return parsed;
    }
    const literal = /^(?:true|false|null|-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)/.exec(text.slice(at));
    if (!literal || at + literal[0].length >= text.length) {
      at = text.length;
      return INCOMPLETE;
    }
    at += literal[0].length;
    return JSON.parse(literal[0]) as unknown;
  };
  return value();
}

/**
 * A JSON-RPC envelope whose recording was cut (the 19 session info, 4,000 characters): the same envelope
 * keys, and every member of the recorded `result` present in the answer with the same kind of value.
 */
export function compareTruncatedJsonRpc(actualBody: string, expectedPrefix: string): void {
  const actual = JSON.parse(actualBody) as Record<string, unknown>;
  const expected = parseJsonPrefix(expectedPrefix) as Record<string, unknown>;
  expect(Object.keys(actual)).toEqual(expect.arrayContaining(Object.keys(expected)));
  const result = actual.result as Record<string, unknown>;
  const recorded = expected.result as Record<string, unknown>;
  expect(Object.keys(recorded).length).toBeGreaterThan(10);
  for (const [key, value] of Object.entries(recorded)) {
    expect(result, key).toHaveProperty([key]);
    if (value !== INCOMPLETE) expect(kind(result[key]), key).toBe(kind(value));
  }
}
