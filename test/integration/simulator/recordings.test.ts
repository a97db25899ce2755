/**
 * Replays every exchange recorded from a real Odoo 18 server (test/fixtures/odoo-recordings, or
 * OCM_RECORDINGS_DIR) against the simulator over real HTTP, and checks the answer has the same status,
 * content type, shape and value types, fault code and fault string (only the last line of tracebacks).
 * The exchanges in test/fixtures/derived-exchanges/ are checked the same way; they were written from
 * odoo-facts.md, not recorded (see that folder's README).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../../src-main/simulator/index';
import { DERIVED_EXCHANGES_DIR, RECORDINGS_DIR } from '../../fixtures/recordings';
import { compareJsonRpc, compareXmlRpc } from './shape';

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

const derivedDir = DERIVED_EXCHANGES_DIR;

/** Reads the README table (`| 01-version | POST /xmlrpc/2/common | 200 | ...`) and the exchange files. */
function loadExchanges(folder: string): Exchange[] {
  const readme = readFileSync(join(folder, 'README.md'), 'utf8');
  const files = readdirSync(folder);
  const exchanges: Exchange[] = [];
  for (const line of readme.split('\n')) {
    const match = /^\|\s*(\d\d-[\w.-]+)\s*\|\s*(GET|POST)\s+(\S+)(?:\s+`([^`]*)`)?\s*\|/.exec(line);
    if (!match) continue;
    const [, name, method, path, inlineBody] = match;
    const requestFile = files.find((file) => file.startsWith(`${name}.request.`));
    const responseFile = files.find((file) => file.startsWith(`${name}.response.`));
    if (!responseFile) throw new Error(`no response file for ${name}`);
    const raw = readFileSync(join(folder, responseFile), 'utf8');
    const [head, ...rest] = raw.split('\n\n');
    const [statusLine, typeLine] = head.split('\n');
    exchanges.push({
      name,
      method,
      path,
      requestBody: requestFile ? readFileSync(join(folder, requestFile), 'utf8') : (inlineBody ?? ''),
      requestType: requestFile?.endsWith('.json') || inlineBody !== undefined ? 'application/json' : requestFile ? 'text/xml' : undefined,
      status: Number(/^HTTP (\d+)/.exec(statusLine)?.[1]),
      contentType: typeLine.replace(/^Content-Type:\s*/i, '').trim(),
      body: rest.join('\n\n'),
    });
  }
  return exchanges;
}

const exchanges = loadExchanges(recordingsDir);
const derived = loadExchanges(derivedDir);

async function replay(simulator: RunningSimulator, exchange: Exchange): Promise<void> {
  const response = await fetch(simulator.url + exchange.path, {
    method: exchange.method,
    headers: exchange.requestType ? { 'Content-Type': exchange.requestType } : undefined,
    body: exchange.method === 'GET' ? undefined : exchange.requestBody,
  });
  const body = await response.text();
  expect(response.status).toBe(exchange.status);
  expect(response.headers.get('content-type')).toBe(exchange.contentType);
  if (exchange.contentType.startsWith('text/xml')) compareXmlRpc(body, exchange.body);
  else if (exchange.contentType.startsWith('application/json')) compareJsonRpc(body, exchange.body);
  else expect(body).toBe(exchange.body);
}

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
    await replay(simulator, exchange);
  });

  describe('exchanges derived from odoo-facts.md (not recorded)', () => {
    it('finds all 6 derived exchanges', () => {
      expect(derived).toHaveLength(6);
    });

    it.each(derived.map((exchange) => [exchange.name, exchange] as const))('derived %s', async (_name, exchange) => {
      await replay(simulator, exchange);
    });
  });
});
