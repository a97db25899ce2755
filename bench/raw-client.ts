/**
 * The minimal raw client the benchmarks compare the app against: keyset pages of update.webhook with
 * fetch and the bare codec (the same one the app's XML-RPC transport uses), no checks, nothing stored.
 */
import type { TransportKind } from '../src-main/common/model';
import type { OdooRecord, OdooValue } from '../src-main/odoo/types';
import { encodeMethodCall } from '../src-main/odoo/xmlrpc-codec';
import { decodeXmlRpcResponse } from '../src-main/odoo/xmlrpc-decoder';

/** Where and what to page. */
export interface RawPaging {
  transport: TransportKind;
  url: string;
  db: string;
  uid: number;
  password: string;
  fields: string[];
  pageSize: number;
  /** Stop after this many pages (a warm-up); default all. */
  maxPages?: number;
}

/** Pages every row by `id > cursor`, `order='id asc'`, sequentially. */
export async function rawPages(paging: RawPaging): Promise<{ rows: number; pages: number }> {
  const { transport, url, db, uid, password, fields, pageSize, maxPages = Infinity } = paging;
  let cursor = 0;
  let rows = 0;
  let pages = 0;
  while (pages < maxPages) {
    const args: OdooValue[] = [db, uid, password, 'update.webhook', 'search_read', [[['id', '>', cursor]]], { fields, limit: pageSize, order: 'id asc' }];
    const page = transport === 'xmlrpc' ? await rawXmlRpc(url, args) : await rawJsonRpc(url, args);
    pages++;
    rows += page.length;
    if (page.length) cursor = page[page.length - 1].id;
    if (page.length < pageSize) break;
  }
  return { rows, pages };
}

async function rawXmlRpc(url: string, args: OdooValue[]): Promise<OdooRecord[]> {
  const response = await fetch(`${url}/xmlrpc/2/object`, { method: 'POST', headers: { 'Content-Type': 'text/xml' }, body: encodeMethodCall('execute_kw', args) });
  const answer = decodeXmlRpcResponse(Buffer.from(await response.arrayBuffer()));
  if ('fault' in answer) throw new Error(answer.fault.faultString);
  return answer.value as OdooRecord[];
}

async function rawJsonRpc(url: string, args: OdooValue[]): Promise<OdooRecord[]> {
  const response = await fetch(`${url}/jsonrpc`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', method: 'call', id: 1, params: { service: 'object', method: 'execute_kw', args } }),
  });
  const answer = JSON.parse(await response.text()) as { result?: OdooRecord[]; error?: unknown };
  if (!answer.result) throw new Error(JSON.stringify(answer.error));
  return answer.result;
}
