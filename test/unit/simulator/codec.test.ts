import { describe, expect, it } from 'vitest';
import { pythonJsonDumps, pythonRepr } from '../../../src-main/simulator/codec/python';
import { PyFloat, pythonFloatRepr } from '../../../src-main/simulator/codec/values';
import {
  formatCall,
  formatFault,
  formatResponse,
  MarshalError,
  parseMethodCall,
  parseMethodResponse,
  XmlRpcParseError,
} from '../../../src-main/simulator/codec/xmlrpc';

describe('XML-RPC codec', () => {
  it('writes responses byte for byte like Odoo 18 (recording 01)', () => {
    const body = formatResponse({ server_version: '18.0-20250421', protocol_version: 1 });
    expect(body).toBe(
      '<?xml version="1.0"?>\n<methodResponse>\n<params>\n<param>\n<value><struct>\n<member>\n<name>server_version</name>\n' +
        '<value><string>18.0-20250421</string></value>\n</member>\n<member>\n<name>protocol_version</name>\n' +
        '<value><int>1</int></value>\n</member>\n</struct></value>\n</param>\n</params>\n\n</methodResponse>\n',
    );
  });

  it('writes faults with an int code and the string', () => {
    expect(formatFault(3, 'Access Denied')).toBe(
      '<?xml version="1.0"?>\n<methodResponse>\n<fault>\n<value><struct>\n<member>\n<name>faultCode</name>\n<value><int>3</int></value>\n' +
        '</member>\n<member>\n<name>faultString</name>\n<value><string>Access Denied</string></value>\n</member>\n</struct></value>\n</fault>\n\n</methodResponse>\n',
    );
  });

  it('round-trips every value type through a call', () => {
    const params = [
      'plain & <odd> "text" \u062a\u062c\u0631\u0628\u0629',
      42,
      -7,
      true,
      false,
      2.5,
      [1, 'two', [3, false], {}],
      { nested: { list: [], empty: '' }, n: 0 },
    ];
    const parsed = parseMethodCall(formatCall('execute_kw', params));
    expect(parsed.method).toBe('execute_kw');
    expect(parsed.params).toEqual(params);
  });

  it('escapes only & < > and strips control characters, like Python', () => {
    const body = formatResponse('a&b<c>d"e\'f\u0001g\th');
    expect(body).toContain('<value><string>a&amp;b&lt;c&gt;d"e\'fg\th</string></value>');
  });

  it('writes doubles with Python repr and never sends nil', () => {
    expect(formatResponse(new PyFloat(1500))).toContain('<value><double>1500.0</double></value>');
    expect(formatResponse(0.1)).toContain('<value><double>0.1</double></value>');
    expect(() => formatResponse(null)).toThrow(MarshalError);
    expect(() => formatResponse([1, null])).toThrow('cannot marshal None unless allow_none is enabled');
  });

  it('reads untyped values, i4/i8, nil, self-closing tags, entities and CDATA', () => {
    const body =
      "<?xml version='1.0'?><methodCall><methodName>m</methodName><params>" +
      '<param><value>raw &amp; text</value></param>' +
      '<param><value><i4>5</i4></value></param>' +
      '<param><value><i8>9000000000</i8></value></param>' +
      '<param><value><nil/></value></param>' +
      '<param><value><string/></value></param>' +
      '<param><value><array><data/></array></value></param>' +
      '<param><value><string>&#65;&#x42;<![CDATA[<C&>]]></string></value></param>' +
      '<param><value><dateTime.iso8601>20261130T09:51:22</dateTime.iso8601></value></param>' +
      '</params></methodCall>';
    expect(parseMethodCall(body).params).toEqual(['raw & text', 5, 9000000000, null, '', [], 'AB<C&>', '2026-11-30 09:51:22']);
  });

  it('reports truncated bodies like expat (recording 25)', () => {
    const body = '<?xml version="1.0"?><methodCall><methodName>execute_kw';
    expect(() => parseMethodCall(body)).toThrow(XmlRpcParseError);
    expect(() => parseMethodCall(body)).toThrow('no element found: line 1, column 55');
    expect(() => parseMethodCall('<methodCall><params></methodCall>')).toThrow(/mismatched tag/);
  });

  it('parses responses and faults, keeping doubles apart from ints on request', () => {
    expect(parseMethodResponse(formatResponse([1, new PyFloat(2)]), true).value).toEqual([1, new PyFloat(2)]);
    expect(parseMethodResponse(formatResponse([1, new PyFloat(2)])).value).toEqual([1, 2]);
    expect(parseMethodResponse(formatFault(4, 'no'))).toEqual({ fault: true, value: { faultCode: 4, faultString: 'no' } });
  });
});

describe('Python text conventions', () => {
  it('dumps JSON with Python separators and float reprs', () => {
    expect(pythonJsonDumps({ jsonrpc: '2.0', id: 1, result: [1, new PyFloat(2), 'é', null, true] })).toBe(
      '{"jsonrpc": "2.0", "id": 1, "result": [1, 2.0, "é", null, true]}',
    );
  });

  it('prints repr() of leaves, strings and floats', () => {
    expect(pythonRepr(['nosuchfield', '=', 1], true)).toBe("('nosuchfield', '=', 1)");
    expect(pythonRepr(["it's", false, null, [1.5]])).toBe('["it\'s", False, None, [1.5]]');
    expect(pythonFloatRepr(1e16)).toBe('1e+16');
    expect(pythonFloatRepr(0.00001)).toBe('1e-05');
    expect(pythonFloatRepr(3)).toBe('3.0');
  });
});
