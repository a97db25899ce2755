/**
 * Python text conventions the simulator reproduces: `json.dumps` layout (`", "` and `": "` separators,
 * `ensure_ascii=False`) for JSON-RPC answers, and `repr()` of values for messages such as
 * `Invalid field update.webhook.nosuchfield in leaf ('nosuchfield', '=', 1)`.
 */
import { PyFloat, pythonFloatRepr, type WireValue } from './values';

function dumpJson(value: WireValue | undefined, out: string[]): void {
  if (value === null || value === undefined) {
    out.push('null');
    return;
  }
  switch (typeof value) {
    case 'string':
      out.push(JSON.stringify(value));
      return;
    case 'number':
      out.push(Number.isFinite(value) ? String(value) : value > 0 ? 'Infinity' : Number.isNaN(value) ? 'NaN' : '-Infinity');
      return;
    case 'boolean':
      out.push(value ? 'true' : 'false');
      return;
    default:
      break;
  }
  if (value instanceof PyFloat) {
    out.push(pythonFloatRepr(value.value));
    return;
  }
  if (Array.isArray(value)) {
    out.push('[');
    for (let i = 0; i < value.length; i++) {
      if (i) out.push(', ');
      dumpJson(value[i], out);
    }
    out.push(']');
    return;
  }
  out.push('{');
  let first = true;
  for (const key in value) {
    if (!first) out.push(', ');
    first = false;
    out.push(JSON.stringify(key), ': ');
    dumpJson(value[key], out);
  }
  out.push('}');
}

/** `json.dumps(value, ensure_ascii=False)` as Python writes it. */
export function pythonJsonDumps(value: WireValue): string {
  const out: string[] = [];
  dumpJson(value, out);
  return out.join('');
}

/** Python `repr()` of a string: single quotes unless the text contains one and no double quote. */
export function pythonStringRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (char === '\\') out += '\\\\';
    else if (char === quote) out += `\\${quote}`;
    else if (char === '\n') out += '\\n';
    else if (char === '\r') out += '\\r';
    else if (char === '\t') out += '\\t';
    else if (code < 32 || code === 127) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += char;
  }
  return out + quote;
}

/** Python `repr()` of a decoded RPC value; `tuple` prints a top-level list as a tuple (domain leaves). */
export function pythonRepr(value: unknown, tuple = false): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : pythonFloatRepr(value);
  if (typeof value === 'string') return pythonStringRepr(value);
  if (value instanceof PyFloat) return pythonFloatRepr(value.value);
  if (Array.isArray(value)) {
    const inner = value.map((item) => pythonRepr(item)).join(', ');
    if (tuple) return value.length === 1 ? `(${inner},)` : `(${inner})`;
    return `[${inner}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>).map(([key, item]) => `${pythonStringRepr(key)}: ${pythonRepr(item)}`);
  return `{${entries.join(', ')}}`;
}
