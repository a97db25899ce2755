/// <reference path="../../../src-main/odoo/xmlrpc-lib.d.ts" />
/**
 * The fast XML-RPC decoder against its reference, the `xmlrpc` package's SAX deserializer (the path the
 * app used before): property tests over values generated and encoded by the package's serializer, every
 * recorded XML-RPC answer of a real Odoo 18 and 19 server (faults included), and broken bodies (both must
 * fail, and the decoder must say whether the body was cut off).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { serializeFault, serializeMethodResponse } from 'xmlrpc/lib/serializer.js';
import { decodeMethodResponse } from '../../../src-main/odoo/xmlrpc-codec';
import { decodeXmlRpcResponse, XmlRpcDecodeError, type DecodedResponse } from '../../../src-main/odoo/xmlrpc-decoder';
import { ODOO19_EXCHANGES_FILE } from '../../fixtures/recordings';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** What today's path gives: the package's deserializer fed the body as a stream. */
async function reference(body: string | Buffer): Promise<DecodedResponse | { error: string }> {
  try {
    return await decodeMethodResponse(Readable.from([typeof body === 'string' ? Buffer.from(body) : body]));
  } catch (error) {
    return { error: (error as Error).message };
  }
}

function decoded(body: string | Buffer): DecodedResponse | { error: string; truncated: boolean } {
  try {
    return decodeXmlRpcResponse(body);
  } catch (error) {
    if (!(error instanceof XmlRpcDecodeError)) throw error;
    return { error: error.message, truncated: error.truncated };
  }
}

/** Characters XML 1.0 allows (the serializer refuses the others). */
const xmlCharacter = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...'abcXYZ019 _-.:/\\'.split('')) },
  { weight: 3, arbitrary: fc.constantFrom('<', '>', '&', '"', "'", ']]>', ']', '\t', '\n', '\r', '\r\n', '&amp;', '<![CDATA[') },
  { weight: 2, arbitrary: fc.constantFrom('é', 'ü', 'ش', 'كتاب', '中', '😀', '\u00a0', '\u2028', '\ufffd') },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 3 }) },
);
/**
 * Strings as the serializer can write them. Not two `]]>`: when it writes a string as a CDATA section it
 * splits only the first `]]>` (xmlbuilder's `replace(']]>', …)`), so a second one ends the section early
 * and the body is not well-formed XML (a bare `<` in text), which this decoder rightly refuses and the
 * lenient reference reads as something else. No server writes that: Python's xmlrpc.client (Odoo) escapes
 * with entities.
 */
const xmlString = fc
  .array(xmlCharacter, { maxLength: 12 })
  .map((parts) => parts.join(''))
  .filter((text) => text.split(']]>').length <= 2);

/** Values the serializer encodes: every XML-RPC type, nested. */
const wireValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.boolean(),
    xmlString,
    fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
    fc.maxSafeInteger(),
    fc.double({ noNaN: true, noDefaultInfinity: true }).filter((x) => !Number.isInteger(x)),
    fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2200-01-01T00:00:00Z'), noInvalidDate: true }),
    fc.uint8Array({ maxLength: 24 }).map((bytes) => Buffer.from(bytes)),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(xmlString.filter((key) => key !== '__proto__'), tie('value'), { maxKeys: 5 }),
  ),
})).value;

describe('decodeXmlRpcResponse', () => {
  it('gives the reference deserializer\'s value for every value its serializer encodes', async () => {
    await fc.assert(
      fc.asyncProperty(wireValue, async (value) => {
        const body = serializeMethodResponse(value);
        expect(decoded(body)).toEqual(await reference(body));
      }),
      { numRuns: 400 },
    );
  });

  it('gives the reference deserializer\'s fault for every fault its serializer encodes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.integer({ min: 1, max: 4 }), xmlString.filter((code) => code.length > 0)), xmlString, async (faultCode, faultString) => {
        const body = serializeFault({ faultCode: faultCode as number, faultString });
        const expected = await reference(body);
        expect(decoded(body)).toEqual(expected);
        expect('fault' in expected).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('reads a bare <value>text</value> as a string, whitespace included, and <value/> as an empty string', async () => {
    for (const inner of ['<value> x \n</value>', '<value></value>', '<value/>', '<value>\n<int> 7 </int>\n</value>', '<value><![CDATA[a<b]]>&amp;c</value>', '<value><!-- note --><i4>-3</i4></value>']) {
      const body = `<?xml version="1.0"?>\n<methodResponse><params><param>${inner}</param></params></methodResponse>`;
      expect(decoded(body), inner).toEqual(await reference(body));
    }
  });

  it('reads <nil/>, <i8>, upper-case tags and character references like the reference', async () => {
    const bodies = [
      '<methodResponse><params><param><value><nil/></value></param></params></methodResponse>',
      '<methodResponse><params><param><value><i8>9007199254740993</i8></value></param></params></methodResponse>',
      '<METHODRESPONSE><PARAMS><PARAM><VALUE><ARRAY><DATA><VALUE><INT>3</INT></VALUE><VALUE><BOOLEAN>1</BOOLEAN></VALUE></DATA></ARRAY></VALUE></PARAM></PARAMS></METHODRESPONSE>',
      '<methodResponse><params><param><value><string>&#x1F600;&#128512;&lt;&gt;&quot;&apos;&unknown;</string></value></param></params></methodResponse>',
      '<methodResponse><params><param><value><struct><member><name>a&amp;b</name><value><double>-1.5e-3</double></value></member></struct></value></param></params></methodResponse>',
      '<methodResponse><params><param><value><array><data/></array></value></param></params></methodResponse>',
      '<methodResponse><params><param><value><struct/></value></param></params></methodResponse>',
      '<methodResponse><params><param><value><int>123456789012345678</int></value></param></params></methodResponse>',
      '<methodResponse><params></params></methodResponse>',
    ];
    for (const body of bodies) expect(decoded(body), body).toEqual(await reference(body));
  });

  it('decodes from the bytes as received, multi-byte characters included', async () => {
    const body = Buffer.from(serializeMethodResponse({ name: 'شركة الحديد', city: 'Zürich', emoji: '😀' }));
    expect(decoded(body)).toEqual(await reference(body));
  });

  it('reads rows whose member names change from row to row like the reference (names are remembered by position)', async () => {
    const rows = [
      { id: 1, model: 'res.partner', event: 'write' },
      { id: 2, mode: 'short', event: 'create' }, // a prefix of the name before it at that position
      { id: 3, models: 'longer', 'ev&nt': 'entity' }, // longer, and one written with an entity
      { event: 'first', id: 4 },
      {},
      { id: 5, model: 'sale.order', event: 'unlink', nested: { id: 9, name: 'x' } },
    ];
    for (const body of [serializeMethodResponse(rows), Buffer.from(serializeMethodResponse(rows))]) expect(decoded(body)).toEqual(await reference(body));
  });

  it('keeps a member named __proto__ as an own property (the reference turns it into the prototype)', () => {
    const body = '<methodResponse><params><param><value><struct><member><name>__proto__</name><value><int>1</int></value></member></struct></value></param></params></methodResponse>';
    const answer = decodeXmlRpcResponse(body) as { value: Record<string, unknown> };
    expect(Object.getOwnPropertyDescriptor(answer.value, '__proto__')?.value).toBe(1);
    expect(Object.getPrototypeOf(answer.value)).toBe(Object.prototype);
  });

  describe('refuses what is not a complete XML-RPC answer, as the reference does', () => {
    const complete = serializeMethodResponse([{ id: 1, model: 'res.partner', timestamp: '2026-11-30 09:51:22' }]);
    const cases: [string, string, boolean][] = [
      ['empty body', '', true],
      ['cut off in a string', complete.slice(0, complete.indexOf('res.part') + 4), true],
      ['cut off inside a tag', complete.slice(0, complete.indexOf('<string>') + 4), true],
      ['cut off before </methodResponse>', complete.slice(0, complete.lastIndexOf('</params>')), true],
      ['an HTML page', '<html><body><h1>Login</h1></body></html>', false],
      ['plain text', 'Service Unavailable', false],
      ['an unknown element', '<methodResponse><params><param><value><float>1</float></value></param></params></methodResponse>', false],
      ['a bad boolean', '<methodResponse><params><param><value><boolean>yes</boolean></value></param></params></methodResponse>', false],
      ['a bad integer', '<methodResponse><params><param><value><int>x</int></value></param></params></methodResponse>', false],
      ['two params', '<methodResponse><params><param><value>a</value></param><param><value>b</value></param></params></methodResponse>', false],
      ['a fault without a code', '<methodResponse><fault><value><struct><member><name>faultString</name><value>x</value></member></struct></value></fault></methodResponse>', false],
    ];
    it.each(cases)('%s', async (_name, body, truncated) => {
      const expected = await reference(body);
      expect('error' in expected, 'the reference refuses it too').toBe(true);
      const actual = decoded(body);
      expect(actual).toMatchObject({ truncated });
    });
  });
});

describe('decodeXmlRpcResponse on recorded answers of real Odoo servers', () => {
  const odoo18 = [resolve(repoRoot, 'test/fixtures/odoo-recordings'), '/work/shared/odoo-recordings'].find((dir) => existsSync(dir))!;
  const recorded18 = readdirSync(odoo18)
    .filter((file) => file.endsWith('.response.xml'))
    .map((file) => {
      const text = readFileSync(join(odoo18, file), 'utf8');
      return [`18.0 ${file}`, text.slice(text.indexOf('\n\n') + 2)] as const;
    });
  const odoo19File = ODOO19_EXCHANGES_FILE;
  const recorded19 = (JSON.parse(readFileSync(odoo19File, 'utf8')) as { name: string; path: string; response: string }[])
    .filter((exchange) => exchange.path.startsWith('/xmlrpc/'))
    .map((exchange) => [`19.0 ${exchange.name}`, exchange.response] as const);

  it('covers both versions, faults included', () => {
    expect(recorded18.length).toBeGreaterThanOrEqual(20);
    expect(recorded19.length).toBeGreaterThanOrEqual(7);
    expect([...recorded18, ...recorded19].filter(([, body]) => body.includes('<fault>')).length).toBeGreaterThanOrEqual(6);
  });

  it.each([...recorded18, ...recorded19])('%s', async (_name, body) => {
    expect(decoded(body)).toEqual(await reference(body));
  });
});
