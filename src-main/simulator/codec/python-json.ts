/**
 * JSON parsing with Python's `json.loads` error messages (`Expecting property name enclosed in double
 * quotes: line 1 column 2 (char 1)`), as Odoo puts them in its 400 answers. A small scanner finds the
 * first error the way Python's decoder does; valid text is then parsed by `JSON.parse`.
 */

/** Raised for text Python's `json.loads` refuses; `message` is Python's. */
export class PythonJsonError extends Error {
  override readonly name = 'PythonJsonError';
}

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);

class Scanner {
  constructor(private readonly text: string) {}

  fail(message: string, at: number): never {
    const before = this.text.slice(0, at);
    const line = before.split('\n').length;
    const column = at - (before.lastIndexOf('\n') + 1) + 1;
    throw new PythonJsonError(`${message}: line ${line} column ${column} (char ${at})`);
  }

  skip(at: number): number {
    while (at < this.text.length && WHITESPACE.has(this.text[at])) at++;
    return at;
  }

  /** Scans one value starting at `at` (whitespace already skipped); returns the index after it. */
  value(at: number): number {
    const text = this.text;
    const char = text[at];
    if (char === '"') return this.string(at);
    if (char === '{') return this.object(at);
    if (char === '[') return this.array(at);
    for (const word of ['null', 'true', 'false', 'NaN', 'Infinity', '-Infinity']) if (text.startsWith(word, at)) return at + word.length;
    const number = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?/.exec(text.slice(at));
    if (number && number[0] !== '-') return at + number[0].length;
    return this.fail('Expecting value', at);
  }

  string(start: number): number {
    const text = this.text;
    let at = start + 1;
    while (at < text.length) {
      const char = text[at];
      if (char === '"') return at + 1;
      if (char === '\\') {
        const escape = text[at + 1];
        if (escape === undefined) break;
        if (escape === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(at + 2, at + 6))) this.fail('Invalid \\uXXXX escape', at + 1);
          at += 6;
          continue;
        }
        if (!'"\\/bfnrt'.includes(escape)) this.fail('Invalid \\escape', at);
        at += 2;
        continue;
      }
      if (char.charCodeAt(0) < 0x20) this.fail('Invalid control character at', at);
      at++;
    }
    return this.fail('Unterminated string starting at', start);
  }

  object(start: number): number {
    const text = this.text;
    let at = this.skip(start + 1);
    if (text[at] === '}') return at + 1;
    for (;;) {
      if (text[at] !== '"') this.fail('Expecting property name enclosed in double quotes', at);
      at = this.skip(this.string(at));
      if (text[at] !== ':') this.fail("Expecting ':' delimiter", at);
      at = this.value(this.skip(at + 1));
      at = this.skip(at);
      if (text[at] === '}') return at + 1;
      if (text[at] !== ',') this.fail("Expecting ',' delimiter", at);
      at = this.skip(at + 1);
    }
  }

  array(start: number): number {
    const text = this.text;
    let at = this.skip(start + 1);
    if (text[at] === ']') return at + 1;
    for (;;) {
      at = this.skip(this.value(at));
      if (text[at] === ']') return at + 1;
      if (text[at] !== ',') this.fail("Expecting ',' delimiter", at);
      at = this.skip(at + 1);
    }
  }
}

/** `json.loads(text)`: the value, or a {@link PythonJsonError} with Python's message. */
export function pythonJsonLoads(text: string): unknown {
  const scanner = new Scanner(text);
  const end = scanner.skip(scanner.value(scanner.skip(0)));
  if (end !== text.length) scanner.fail('Extra data', end);
  try {
    return JSON.parse(text);
  } catch {
    // Valid for Python, not for JSON.parse: NaN or Infinity outside strings. Read them as numbers.
    return JSON.parse(quoteSpecialNumbers(text), (_key, value: unknown) => (typeof value === 'string' && value.startsWith('\u0000') ? Number(value.slice(1)) : value));
  }
}

/** Wraps NaN / Infinity / -Infinity tokens outside strings in marked strings. */
function quoteSpecialNumbers(text: string): string {
  let out = '';
  let inString = false;
  for (let at = 0; at < text.length; at++) {
    const char = text[at];
    if (inString) {
      out += char;
      if (char === '\\') out += text[++at] ?? '';
      else if (char === '"') inString = false;
      continue;
    }
    if (char === '"') inString = true;
    const word = ['-Infinity', 'Infinity', 'NaN'].find((candidate) => text.startsWith(candidate, at));
    if (word && !inString) {
      out += `"\\u0000${word}"`;
      at += word.length - 1;
      continue;
    }
    out += char;
  }
  return out;
}
