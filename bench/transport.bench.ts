/**
 * Transport speed: keyset paging of `update.webhook` by id (pages of 5,000 rows, 4 fields) from an
 * in-process simulator's `big` database, with each transport, sequential and pipelined, against a raw
 * minimal client (fetch + the same codec: the `xmlrpc` package's deserializer, or JSON.parse) making the
 * same requests, so the ratio app/raw shows the client's own overhead.
 *
 * The simulator runs in the same process and shares the two cores with the client, so absolute figures
 * are lower than against a real server on its own machine; the ratios are what to compare.
 */
import { connectOdoo } from '../src-main/odoo/connection';
import type { OdooRecord } from '../src-main/odoo/types';
import { startSimulator } from '../src-main/simulator/index';
import { rawPages, type RawPaging } from './raw-client';
import { round } from './stats';
import type { BenchContext, BenchSuite, BenchTable } from './types';

const pageSize = 5000;
const fields = ['model', 'record_id', 'event', 'timestamp'];

/** Runs the suite. */
export const run: BenchSuite = async (context: BenchContext): Promise<BenchTable[]> => {
  const total = context.quick ? 10_000 : 50_000;
  context.log(`starting the simulator with ${total.toLocaleString('en-US')} rows in "big"`);
  const simulator = await startSimulator({ port: 0, flavour: 'original', bigRows: total });
  const rows: (string | number)[][] = [];
  const notes: string[] = [];
  try {
    const credentials = { url: simulator.url, db: 'big', login: 'admin', secret: 'admin' };
    for (const transport of ['xmlrpc', 'jsonrpc'] as const) {
      const client = await connectOdoo({ ...credentials, transport });
      // Warm-up: one page through each path, so sockets and JIT are ready.
      await firstPage(client.pages('update.webhook', { pageSize, fields }));
      const paging: RawPaging = { transport, url: simulator.url, db: 'big', uid: client.uid, password: 'admin', fields, pageSize };
      await rawPages({ ...paging, maxPages: 1 });

      const raw = await measure(() => rawPages(paging));
      const sequential = await measure(() => countPages(client.pages('update.webhook', { pageSize, fields, pipelineDepth: 1 })));
      const pipelined = await measure(() => countPages(client.pages('update.webhook', { pageSize, fields, pipelineDepth: 3 })));
      client.close();
      const label = transport === 'xmlrpc' ? 'XML-RPC' : 'JSON-RPC';
      for (const [mode, result] of [
        ['raw client, sequential', raw],
        ['app, sequential', sequential],
        ['app, pipelined (3 in flight)', pipelined],
      ] as const) {
        if (result.rows < total) notes.push(`${label} ${mode} read ${result.rows} rows instead of ${total}.`);
        rows.push([label, mode, result.rows, result.pages, round(result.seconds, 2), Math.round(result.rows / result.seconds), round(result.rows / result.seconds / (raw.rows / raw.seconds), 2)]);
      }
      context.log(`${label}: raw ${Math.round(raw.rows / raw.seconds)} rows/s, app ${Math.round(sequential.rows / sequential.seconds)} rows/s sequential, ${Math.round(pipelined.rows / pipelined.seconds)} pipelined`);
    }
  } finally {
    await simulator.close();
  }
  const ratio = (label: string) => Number(rows.find((row) => row[0] === label && row[1] === 'app, sequential')?.[6] ?? 0);
  return [
    {
      title: `Transport: keyset paging of ${total.toLocaleString('en-US')} update.webhook rows, pages of ${pageSize.toLocaleString('en-US')}, in-process simulator`,
      columns: ['transport', 'client', 'rows', 'pages', 'seconds', 'rows/s', 'app/raw'],
      rows,
      targets: [
        { name: 'XML-RPC app/raw >= 0.9', met: ratio('XML-RPC') >= 0.9, value: ratio('XML-RPC') },
        { name: 'JSON-RPC app/raw >= 0.9', met: ratio('JSON-RPC') >= 0.9, value: ratio('JSON-RPC') },
      ],
      notes: [
        'The simulator serves from the same process on the same 2 cores, so pipelining overlaps client parsing with server work only partly; against a separate server it overlaps network and server time too.',
        'Pipelined paging learns the id bounds with three cheap calls, then fetches contiguous id ranges concurrently (see src-main/odoo/paging.ts).',
        ...notes,
      ],
    },
  ];
};

async function measure(body: () => Promise<{ rows: number; pages: number }>): Promise<{ rows: number; pages: number; seconds: number }> {
  const started = performance.now();
  const result = await body();
  return { ...result, seconds: (performance.now() - started) / 1000 };
}

async function countPages(pages: AsyncIterable<OdooRecord[]>): Promise<{ rows: number; pages: number }> {
  let rows = 0;
  let count = 0;
  for await (const page of pages) {
    rows += page.length;
    count++;
  }
  return { rows, pages: count };
}

async function firstPage(pages: AsyncIterable<OdooRecord[]>): Promise<void> {
  for await (const page of pages) {
    if (page.length) break;
  }
}

