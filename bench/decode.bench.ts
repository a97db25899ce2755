/**
 * XML-RPC decoding speed: rows per second of CPU (`process.cpuUsage`, user + system) to turn one
 * `search_read` answer of 5,000 update.webhook rows (5 fields, Odoo's exact XML layout as the simulator
 * writes it) into values, side by side in one run:
 *
 * - the `xmlrpc` package's SAX deserializer fed the body as a stream (what the app used before);
 * - txml, a DOM parser (the alternative considered), plus the walk from its tree to values: it keeps
 *   entities undecoded and, to keep whitespace in strings, whitespace-only text nodes everywhere, so the
 *   walk has to do both;
 * - the app's own decoder (src-main/odoo/xmlrpc-decoder.ts), from the body's bytes;
 * - JSON.parse of the same rows as a JSON-RPC answer, from its bytes (the ceiling).
 *
 * Every decoder's result is checked against the rows before it is timed.
 */
import { isDeepStrictEqual } from 'node:util';
import { Readable } from 'node:stream';
import { parse as parseXml, type TNode } from 'txml';
import { decodeMethodResponse } from '../src-main/odoo/xmlrpc-codec';
import { decodeXmlRpcResponse } from '../src-main/odoo/xmlrpc-decoder';
import type { OdooValue } from '../src-main/odoo/types';
import { formatResponse } from '../src-main/simulator/codec/xmlrpc';
import { round } from './stats';
import type { BenchContext, BenchSuite, BenchTable } from './types';

const pageRows = 5000;

/** Runs the suite. */
export const run: BenchSuite = async (context: BenchContext): Promise<BenchTable[]> => {
  const rows = changeLogRows(pageRows);
  const xml = Buffer.from(formatResponse(rows));
  const json = Buffer.from(JSON.stringify({ jsonrpc: '2.0', id: 1, result: rows }));
  const budgetMs = context.quick ? 600 : 3000;

  const decoders: { name: string; decode: () => Promise<unknown> | unknown }[] = [
    { name: 'xmlrpc package, SAX deserializer (before)', decode: () => decodeMethodResponse(Readable.from([xml])).then((answer) => ('value' in answer ? answer.value : answer)) },
    { name: 'txml DOM + walk to values (rejected)', decode: () => txmlDecode(xml) },
    { name: 'own decoder (xmlrpc-decoder.ts)', decode: () => (decodeXmlRpcResponse(xml) as { value: OdooValue }).value },
    { name: 'JSON.parse of the JSON-RPC answer', decode: () => (JSON.parse(json.toString('utf8')) as { result: unknown }).result },
  ];
  const results: { name: string; rowsPerSecond: number; decodes: number }[] = [];
  for (const decoder of decoders) {
    const value = await decoder.decode();
    if (!isDeepStrictEqual(value, rows)) throw new Error(`${decoder.name} did not return the rows it was given`);
    const measured = await cpuRate(decoder.decode, budgetMs);
    results.push({ name: decoder.name, rowsPerSecond: (measured.decodes * pageRows) / measured.cpuSeconds, decodes: measured.decodes });
    context.log(`${decoder.name}: ${Math.round((measured.decodes * pageRows) / measured.cpuSeconds)} rows/s of CPU`);
  }
  const sax = results[0].rowsPerSecond;
  const own = results[2].rowsPerSecond;
  return [
    {
      title: `XML-RPC decoding: one search_read answer of ${pageRows.toLocaleString('en-US')} update.webhook rows (${(xml.length / 2 ** 20).toFixed(1)} MiB XML, ${(json.length / 2 ** 20).toFixed(1)} MiB JSON), CPU time`,
      columns: ['decoder', 'answers decoded', 'rows/s of CPU', 'vs SAX'],
      rows: results.map((result) => [result.name, result.decodes, Math.round(result.rowsPerSecond), round(result.rowsPerSecond / sax, 2)]),
      targets: [{ name: 'own decoder >= 3x the SAX deserializer', met: own >= 3 * sax, value: round(own / sax, 2) }],
      notes: ['Each decoder runs for the same CPU budget after a warm-up; its result is checked against the rows first. The machine is shared, so compare the ratios of one run.'],
    },
  ];
};

/** Rows as `search_read` returns them from update.webhook. */
function changeLogRows(count: number): { id: number; model: string; record_id: number; event: string; timestamp: string }[] {
  const models = ['sale.order', 'res.partner', 'product.template', 'account.move', 'stock.picking'];
  const events = ['create', 'write', 'unlink'];
  return Array.from({ length: count }, (_, index) => ({
    id: 100_000 + index,
    model: models[index % models.length],
    record_id: 1 + ((index * 7919) % 50_000),
    event: events[index % events.length],
    timestamp: `2026-11-${String(1 + (index % 28)).padStart(2, '0')} ${String(index % 24).padStart(2, '0')}:${String(index % 60).padStart(2, '0')}:22`,
  }));
}

/** Repeats `decode` until `budgetMs` of CPU is spent (after two warm-up runs). */
async function cpuRate(decode: () => Promise<unknown> | unknown, budgetMs: number): Promise<{ decodes: number; cpuSeconds: number }> {
  for (let i = 0; i < 2; i++) await decode();
  const start = process.cpuUsage();
  let decodes = 0;
  let spent = 0;
  while (spent < budgetMs * 1000) {
    await decode();
    decodes++;
    const usage = process.cpuUsage(start);
    spent = usage.user + usage.system;
  }
  return { decodes, cpuSeconds: spent / 1e6 };
}

const entityPattern = /&(#x[0-9a-fA-F]+|#[0-9]+|lt|gt|amp|quot|apos);/g;
const entityText: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  if (text.indexOf('&') < 0) return text;
  return text.replace(entityPattern, (_match, entity: string) =>
    entity[0] === '#' ? String.fromCodePoint(entity[1] === 'x' ? Number.parseInt(entity.slice(2), 16) : Number.parseInt(entity.slice(1), 10)) : entityText[entity],
  );
}

/** txml's tree of a `<methodResponse>` to the value of its param (the types Odoo sends). */
function txmlDecode(body: Buffer): OdooValue {
  const nodes = parseXml(body.toString('utf8'), { keepWhitespace: true });
  const response = elements(nodes).find((node) => node.tagName === 'methodResponse');
  const param = response && elements(elements(response.children)[0]?.children ?? [])[0];
  const value = param && elements(param.children)[0];
  if (!value) throw new Error('not an XML-RPC answer');
  return txmlValue(value);
}

function elements(children: (TNode | string)[]): TNode[] {
  return children.filter((child): child is TNode => typeof child !== 'string');
}

function textOf(node: TNode): string {
  let text = '';
  for (const child of node.children) if (typeof child === 'string') text += decodeEntities(child);
  return text;
}

function txmlValue(value: TNode): OdooValue {
  const typed = elements(value.children)[0];
  if (!typed) return textOf(value);
  switch (typed.tagName) {
    case 'string':
      return textOf(typed);
    case 'int':
    case 'i4':
      return Number.parseInt(textOf(typed), 10);
    case 'double':
      return Number.parseFloat(textOf(typed));
    case 'boolean':
      return textOf(typed) === '1';
    case 'array':
      return elements(elements(typed.children)[0]?.children ?? []).map(txmlValue);
    case 'struct': {
      const struct: Record<string, OdooValue> = {};
      for (const member of elements(typed.children)) {
        const [name, memberValue] = elements(member.children);
        struct[textOf(name)] = txmlValue(memberValue);
      }
      return struct;
    }
    default:
      throw new Error(`unsupported XML-RPC type ${typed.tagName}`);
  }
}
