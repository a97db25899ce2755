/**
 * A small XML-RPC codec shaped exactly like Python's `xmlrpc.client` as Odoo 18 uses it: the request parser
 * (`loads`) and the response writer (`OdooMarshaller.dumps` wrapped by `odoo.addons.base.controllers.rpc.dumps`).
 * Written for speed: responses are built by pushing fragments into one array and joining once.
 */
import { PyFloat, pythonFloatRepr, type WireValue } from './values';

/** A parsed `<methodCall>`. */
export interface XmlRpcCall {
  method: string;
  params: WireValue[];
}

/** Raised for a body that is not well-formed XML-RPC; `message` mimics expat (`no element found: line 1, column 55`). */
export class XmlRpcParseError extends Error {
  override readonly name = 'XmlRpcParseError';
}

/** Raised when a value cannot be marshalled (Python's `TypeError: cannot marshal None ...`). */
export class MarshalError extends Error {
  override readonly name = 'MarshalError';
}

// ---------------------------------------------------------------------------------------------------------
// Parsing

const ENTITY = /&(#x[0-9a-fA-F]+|#[0-9]+|lt|gt|amp|quot|apos);/g;

function decodeEntities(text: string): string {
  if (text.indexOf('&') < 0) return text;
  return text.replace(ENTITY, (_match, entity: string) => {
    switch (entity) {
      case 'lt':
        return '<';
      case 'gt':
        return '>';
      case 'amp':
        return '&';
      case 'quot':
        return '"';
      case 'apos':
        return "'";
      default:
        return String.fromCodePoint(entity[1] === 'x' ? parseInt(entity.slice(2), 16) : parseInt(entity.slice(1), 10));
    }
  });
}

interface Token {
  kind: 'open' | 'close' | 'empty' | 'text';
  name: string; // tag name, or text content for 'text'
  offset: number;
}

function position(source: string, offset: number): string {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < source.length; i++) {
    if (source.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return `line ${line}, column ${offset - lineStart}`;
}

/** Splits XML into tags and text; drops the prolog, comments and processing instructions. */
function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const length = source.length;
  while (i < length) {
    const lt = source.indexOf('<', i);
    if (lt < 0) {
      if (source.slice(i).trim()) tokens.push({ kind: 'text', name: source.slice(i), offset: i });
      break;
    }
    if (lt > i) tokens.push({ kind: 'text', name: source.slice(i, lt), offset: i });
    if (source.startsWith('<![CDATA[', lt)) {
      const end = source.indexOf(']]>', lt);
      if (end < 0) throw new XmlRpcParseError(`unclosed CDATA section: ${position(source, lt)}`);
      // CDATA is literal text: mark it so entity decoding is skipped by pre-escaping '&'.
      tokens.push({ kind: 'text', name: source.slice(lt + 9, end).replace(/&/g, '&amp;'), offset: lt });
      i = end + 3;
      continue;
    }
    const gt = source.indexOf('>', lt);
    if (gt < 0) throw new XmlRpcParseError(`unclosed token: ${position(source, lt)}`);
    const inner = source.slice(lt + 1, gt);
    i = gt + 1;
    if (inner.startsWith('?') || inner.startsWith('!')) continue;
    if (inner.startsWith('/')) {
      tokens.push({ kind: 'close', name: inner.slice(1).trim(), offset: lt });
    } else if (inner.endsWith('/')) {
      tokens.push({ kind: 'empty', name: inner.slice(0, -1).trim().split(/\s/)[0], offset: lt });
    } else {
      tokens.push({ kind: 'open', name: inner.trim().split(/\s/)[0], offset: lt });
    }
  }
  return tokens;
}

class Parser {
  private index = 0;
  constructor(
    private readonly source: string,
    private readonly tokens: Token[],
    private readonly keepDoubles = false,
  ) {}

  private fail(message: string, token?: Token): never {
    const offset = token ? token.offset : this.source.length;
    throw new XmlRpcParseError(`${message}: ${position(this.source, offset)}`);
  }

  /** Next non-whitespace token. */
  private next(): Token {
    while (this.index < this.tokens.length) {
      const token = this.tokens[this.index++];
      if (token.kind === 'text' && !token.name.trim()) continue;
      return token;
    }
    return this.fail('no element found');
  }

  private peek(): Token | undefined {
    let i = this.index;
    while (i < this.tokens.length) {
      const token = this.tokens[i];
      if (token.kind === 'text' && !token.name.trim()) {
        i++;
        continue;
      }
      return token;
    }
    return undefined;
  }

  private expectOpen(name: string): boolean /* false when self-closing */ {
    const token = this.next();
    if ((token.kind === 'open' || token.kind === 'empty') && token.name === name) return token.kind === 'open';
    return this.fail('mismatched tag', token);
  }

  private expectClose(name: string): void {
    const token = this.next();
    if (token.kind !== 'close' || token.name !== name) this.fail('mismatched tag', token);
  }

  /** Raw text up to the closing tag (whitespace kept, as Python keeps it in strings). */
  private textUntilClose(name: string): string {
    let text = '';
    while (this.index < this.tokens.length) {
      const token = this.tokens[this.index++];
      if (token.kind === 'text') {
        text += token.name;
        continue;
      }
      if (token.kind === 'close' && token.name === name) return decodeEntities(text);
      return this.fail('mismatched tag', token);
    }
    return this.fail('no element found');
  }

  parseCall(): XmlRpcCall {
    this.expectOpen('methodCall');
    let method = '';
    const params: WireValue[] = [];
    for (;;) {
      const token = this.next();
      if (token.kind === 'close' && token.name === 'methodCall') break;
      if (token.kind === 'open' && token.name === 'methodName') {
        method = this.textUntilClose('methodName').trim();
      } else if (token.kind === 'empty' && (token.name === 'params' || token.name === 'methodName')) {
        continue;
      } else if (token.kind === 'open' && token.name === 'params') {
        for (;;) {
          const inner = this.next();
          if (inner.kind === 'close' && inner.name === 'params') break;
          if (inner.kind !== 'open' || inner.name !== 'param') this.fail('mismatched tag', inner);
          params.push(this.parseValue());
          this.expectClose('param');
        }
      } else {
        this.fail('mismatched tag', token);
      }
    }
    const trailing = this.peek();
    if (trailing) this.fail('junk after document element', trailing);
    return { method, params };
  }

  parseResponse(): { fault: boolean; value: WireValue } {
    this.expectOpen('methodResponse');
    const token = this.next();
    let result: { fault: boolean; value: WireValue };
    if (token.kind === 'open' && token.name === 'fault') {
      result = { fault: true, value: this.parseValue() };
      this.expectClose('fault');
    } else if (token.kind === 'open' && token.name === 'params') {
      this.expectOpen('param');
      result = { fault: false, value: this.parseValue() };
      this.expectClose('param');
      this.expectClose('params');
    } else {
      return this.fail('mismatched tag', token);
    }
    this.expectClose('methodResponse');
    return result;
  }

  parseValue(): WireValue {
    if (!this.expectOpen('value')) return '';
    // <value>text</value> without a type tag is a string.
    const first = this.tokens[this.index];
    if (first && first.kind === 'close' && first.name === 'value') {
      this.index++;
      return '';
    }
    if (first && first.kind === 'text') {
      const after = this.tokens[this.index + 1];
      if (after && after.kind === 'close' && after.name === 'value') {
        this.index += 2;
        return decodeEntities(first.name);
      }
    }
    const token = this.next();
    let value: WireValue;
    if (token.kind === 'empty') {
      value = this.emptyValue(token);
    } else if (token.kind === 'open') {
      value = this.typedValue(token);
    } else {
      return this.fail('mismatched tag', token);
    }
    this.expectClose('value');
    return value;
  }

  private emptyValue(token: Token): WireValue {
    switch (token.name) {
      case 'nil':
        return null;
      case 'string':
        return '';
      case 'array':
      case 'data':
        return [];
      case 'struct':
        return {};
      default:
        return this.fail('syntax error', token);
    }
  }

  private typedValue(token: Token): WireValue {
    switch (token.name) {
      case 'string':
        return this.textUntilClose('string');
      case 'int':
      case 'i4':
      case 'i8':
      case 'i2':
      case 'i1':
      case 'biginteger': {
        const text = this.textUntilClose(token.name).trim();
        if (!/^[+-]?\d+$/.test(text)) this.fail('invalid literal for int()', token);
        return parseInt(text, 10);
      }
      case 'boolean': {
        const text = this.textUntilClose('boolean').trim();
        if (text === '1') return true;
        if (text === '0') return false;
        return this.fail('bad boolean value', token);
      }
      case 'double':
      case 'float': {
        const value = Number(this.textUntilClose(token.name).trim());
        return this.keepDoubles ? new PyFloat(value) : value;
      }
      case 'dateTime.iso8601': {
        // Odoo parses with use_datetime=True; the ORM then accepts the string form.
        const text = this.textUntilClose('dateTime.iso8601').trim();
        const match = /^(\d{4})-?(\d{2})-?(\d{2})T(\d{2}):(\d{2}):(\d{2})/.exec(text);
        return match ? `${match[1]}-${match[2]}-${match[3]} ${match[4]}:${match[5]}:${match[6]}` : text;
      }
      case 'base64':
        return this.textUntilClose('base64').replace(/\s+/g, '');
      case 'nil':
        this.expectClose('nil');
        return null;
      case 'array':
        return this.parseArray();
      case 'struct':
        return this.parseStruct();
      default:
        return this.fail('syntax error', token);
    }
  }

  private parseArray(): WireValue[] {
    const values: WireValue[] = [];
    const token = this.next();
    if (token.kind === 'empty' && token.name === 'data') {
      this.expectClose('array');
      return values;
    }
    if (token.kind !== 'open' || token.name !== 'data') return this.fail('mismatched tag', token);
    for (;;) {
      const peeked = this.peek();
      if (!peeked) return this.fail('no element found');
      if (peeked.kind === 'close' && peeked.name === 'data') {
        this.next();
        break;
      }
      values.push(this.parseValue());
    }
    this.expectClose('array');
    return values;
  }

  private parseStruct(): { [key: string]: WireValue } {
    const struct: { [key: string]: WireValue } = {};
    for (;;) {
      const token = this.next();
      if (token.kind === 'close' && token.name === 'struct') break;
      if (token.kind !== 'open' || token.name !== 'member') this.fail('mismatched tag', token);
      let name: string | undefined;
      let value: WireValue | undefined;
      for (;;) {
        const peeked = this.peek();
        if (!peeked) return this.fail('no element found');
        if (peeked.kind === 'close' && peeked.name === 'member') {
          this.next();
          break;
        }
        if (peeked.kind === 'open' && peeked.name === 'name') {
          this.next();
          name = this.textUntilClose('name');
        } else {
          value = this.parseValue();
        }
      }
      if (name === undefined || value === undefined) this.fail('syntax error', token);
      struct[name] = value;
    }
    return struct;
  }
}

/** Parses a `<methodCall>` body. Throws {@link XmlRpcParseError} on malformed input. */
export function parseMethodCall(body: string): XmlRpcCall {
  if (!body.trim()) throw new XmlRpcParseError('no element found: line 1, column 0');
  const tokens = tokenize(body);
  return new Parser(body, tokens).parseCall();
}

/**
 * Parses a `<methodResponse>` (used by tests and tools): the value, or the fault struct with `fault: true`.
 * `keepDoubles` returns `<double>` values as {@link PyFloat} so callers can tell them from ints.
 */
export function parseMethodResponse(body: string, keepDoubles = false): { fault: boolean; value: WireValue } {
  return new Parser(body, tokenize(body), keepDoubles).parseResponse();
}

// ---------------------------------------------------------------------------------------------------------
// Writing

// XML 1.0 forbids control characters; Odoo's marshaller strips them (all below 32 except tab, LF, CR).
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g;
const NEEDS_ESCAPE = /[&<>\u0000-\u0008\u000b\u000c\u000e-\u001f]/;

/** Escapes like Python's `xmlrpc.client.escape` (only & < >) after removing control characters. */
export function escapeXml(text: string): string {
  if (!NEEDS_ESCAPE.test(text)) return text;
  return text.replace(CONTROL, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function dump(value: WireValue, out: string[]): void {
  switch (typeof value) {
    case 'string':
      out.push('<value><string>', escapeXml(value), '</string></value>\n');
      return;
    case 'number':
      if (Number.isInteger(value)) {
        if (value > 2147483647 || value < -2147483648) throw new MarshalError('int exceeds XML-RPC limits');
        out.push('<value><int>', String(value), '</int></value>\n');
      } else {
        out.push('<value><double>', pythonFloatRepr(value), '</double></value>\n');
      }
      return;
    case 'boolean':
      out.push(value ? '<value><boolean>1</boolean></value>\n' : '<value><boolean>0</boolean></value>\n');
      return;
    case 'object':
      if (value === null) throw new MarshalError('cannot marshal None unless allow_none is enabled');
      if (value instanceof PyFloat) {
        out.push('<value><double>', pythonFloatRepr(value.value), '</double></value>\n');
        return;
      }
      if (Array.isArray(value)) {
        out.push('<value><array><data>\n');
        for (let i = 0; i < value.length; i++) dump(value[i], out);
        out.push('</data></array></value>\n');
        return;
      }
      out.push('<value><struct>\n');
      for (const key in value) {
        out.push('<member>\n<name>', escapeXml(key), '</name>\n');
        dump(value[key], out);
        out.push('</member>\n');
      }
      out.push('</struct></value>\n');
      return;
    default:
      throw new MarshalError('cannot marshal None unless allow_none is enabled');
  }
}

/** A successful `<methodResponse>`, byte for byte as Odoo 18 writes it. Throws {@link MarshalError} for None. */
export function formatResponse(value: WireValue): string {
  const out: string[] = ['<?xml version="1.0"?>\n<methodResponse>\n<params>\n<param>\n'];
  dump(value, out);
  out.push('</param>\n</params>\n\n</methodResponse>\n');
  return out.join('');
}

/** A fault `<methodResponse>`: faultCode int (or string on the legacy `/xmlrpc/` routes) and faultString. */
export function formatFault(code: number | string, message: string): string {
  const out: string[] = ['<?xml version="1.0"?>\n<methodResponse>\n<fault>\n'];
  dump({ faultCode: code, faultString: message }, out);
  out.push('</fault>\n\n</methodResponse>\n');
  return out.join('');
}

/** A `<methodCall>` body (for tests and the traffic tools). */
export function formatCall(method: string, params: WireValue[]): string {
  const out: string[] = ["<?xml version='1.0'?>\n<methodCall>\n<methodName>", escapeXml(method), '</methodName>\n<params>\n'];
  for (const param of params) {
    out.push('<param>\n');
    dump(param, out);
    out.push('</param>\n');
  }
  out.push('</params>\n</methodCall>\n');
  return out.join('');
}
