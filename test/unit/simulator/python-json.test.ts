/**
 * JSON errors worded like Python's `json.loads` (Odoo puts them in JSON-2's 400 answers). The expected
 * messages were produced by Python 3.11's json module for the same texts.
 */
import { describe, expect, it } from 'vitest';
import { pythonJsonLoads, PythonJsonError } from '../../../src-main/simulator/codec/python-json';

const PYTHON_MESSAGES: Array<[string, string]> = [
    ["{not json", "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"],
    ["", "Expecting value: line 1 column 1 (char 0)"],
    ["   ", "Expecting value: line 1 column 4 (char 3)"],
    ["{\"a\" 1}", "Expecting ':' delimiter: line 1 column 6 (char 5)"],
    ["{\"a\":1,}", "Expecting property name enclosed in double quotes: line 1 column 8 (char 7)"],
    ["[1,]", "Expecting value: line 1 column 4 (char 3)"],
    ["[1 2]", "Expecting ',' delimiter: line 1 column 4 (char 3)"],
    ["{\"a\":1} x", "Extra data: line 1 column 9 (char 8)"],
    ["\"abc", "Unterminated string starting at: line 1 column 1 (char 0)"],
    ["{\"a\":\"\u0001\"}", "Invalid control character at: line 1 column 7 (char 6)"],
    ["{\"a\":\"\\q\"}", "Invalid \\escape: line 1 column 7 (char 6)"],
    ["{\"a\": tru}", "Expecting value: line 1 column 7 (char 6)"],
    ["nul", "Expecting value: line 1 column 1 (char 0)"],
    ["-", "Expecting value: line 1 column 1 (char 0)"],
    ["{\"a\":[1,2,{\"b\":}]}", "Expecting value: line 1 column 16 (char 15)"],
    ["[1,\n2,\n}", "Expecting value: line 3 column 1 (char 7)"],
    ["\"\\u12\"", "Invalid \\uXXXX escape: line 1 column 3 (char 2)"],
    ["01", "Extra data: line 1 column 2 (char 1)"],
    ["1.", "Extra data: line 1 column 2 (char 1)"],
    ["{\"a\":1 \"b\":2}", "Expecting ',' delimiter: line 1 column 8 (char 7)"],
];

describe('pythonJsonLoads', () => {
  it.each(PYTHON_MESSAGES)('%j fails like Python', (text, message) => {
    expect(() => pythonJsonLoads(text)).toThrow(PythonJsonError);
    expect(() => pythonJsonLoads(text)).toThrow(message);
  });

  it('parses what Python accepts, NaN and Infinity included', () => {
    expect(pythonJsonLoads('{"a": [1, 2.5, "x"], "b": null}')).toEqual({ a: [1, 2.5, 'x'], b: null });
    expect(pythonJsonLoads('{"x": NaN, "y": "NaN", "z": -Infinity}')).toEqual({ x: NaN, y: 'NaN', z: -Infinity });
  });
});
