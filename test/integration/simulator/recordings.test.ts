/**
 * Replays every exchange recorded from a real Odoo 18 server (test/fixtures/odoo-recordings, or
 * OCM_RECORDINGS_DIR) against the simulator over real HTTP, and checks the answer has the same status,
 * content type, shape and value types, fault code and fault string (only the last line of tracebacks).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMethodResponse } from '../../../src-main/simulator/codec/xmlrpc';
import { startSimulator, type RunningSimulator } from '../../../src-main/simulator/index';
import { RECORDINGS_DIR } from '../../fixtures/recordings';
import { lastLine, shapeDifferences } from './shape';

const recordingsDir = RECORDINGS_DIR;

interface Exchange {
  name: string;
  method: string;
  path: string;
  requestBody: string;
  requestType?: string;
  status: number;
  contentType: string;
  body: string;
}

/** Reads the README table (`| 01-version | POST /xmlrpc/2/common | 200 | ...`) and the exchange files. */
function loadExchanges(): Exchange[] {
  const readme = readFileSync(join(recordingsDir, 'README.md'), 'utf8');
  const files = readdirSync(recordingsDir);
  const exchanges: Exchange[] = [];
  for (const line of readme.split('\n')) {
    const match = /^\|\s*(\d\d-[\w.-]+)\s*\|\s*(GET|POST)\s+(\S+)(?:\s+`([^`]*)`)?\s*\|/.exec(line);
    if (!match) continue;
    const [, name, method, path, inlineBody] = match;
    const requestFile = files.find((file) => file.startsWith(`${name}.request.`));
    const responseFile = files.find((file) => file.startsWith(`${name}.response.`));
    if (!responseFile) throw new Error(`no response file for ${name}`);
    const raw = readFileSync(join(recordingsDir, responseFile), 'utf8');
    const [head, ...rest] = raw.split('\n\n');
    const [statusLine, typeLine] = head.split('\n');
    exchanges.push({
      name,
      method,
      path,
      requestBody: requestFile ? readFileSync(join(recordingsDir, requestFile), 'utf8') : (inlineBody ?? ''),
      requestType: requestFile?.endsWith('.json') || inlineBody !== undefined ? 'application/json' : requestFile ? 'text/xml' : undefined,
      status: Number(/^HTTP (\d+)/.exec(statusLine)?.[1]),
      contentType: typeLine.replace(/^Content-Type:\s*/i, '').trim(),
      body: rest.join('\n\n'),
    });
  }
  return exchanges;
}

function compareXmlRpc(actualBody: string, expectedBody: string): void {
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

function compareJson(actualBody: string, expectedBody: string): void {
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

const exchanges = loadExchanges();

describe('recorded Odoo 18 exchanges replayed against the simulator', () => {
  let simulator: RunningSimulator;

  beforeAll(async () => {
    simulator = await startSimulator({ bigRows: 3000 });
    // The recordings page a 300,000-row table; a few thousand rows with ids in the same range suffice.
    simulator.database('big').seedWebhookRows(1200, { firstId: 299001, spanHours: 2 });
  });

  afterAll(async () => {
    await simulator?.close();
  });

  it('finds all 35 recorded exchanges', () => {
    expect(exchanges).toHaveLength(35);
  });

  it.each(exchanges.map((exchange) => [exchange.name, exchange] as const))('%s', async (_name, exchange) => {
    const response = await fetch(simulator.url + exchange.path, {
      method: exchange.method,
      headers: exchange.requestType ? { 'Content-Type': exchange.requestType } : undefined,
      body: exchange.method === 'GET' ? undefined : exchange.requestBody,
    });
    const body = await response.text();
    expect(response.status).toBe(exchange.status);
    expect(response.headers.get('content-type')).toBe(exchange.contentType);
    if (exchange.contentType.startsWith('text/xml')) compareXmlRpc(body, exchange.body);
    else if (exchange.contentType.startsWith('application/json')) compareJson(body, exchange.body);
    else expect(body).toBe(exchange.body);
  });
});
