import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type Database from 'better-sqlite3';
import type { CliIo } from '../../../src-main/hosts/cli/command';
import { runCli } from '../../../src-main/hosts/cli/run-cli';
import { createChangesCommand } from '../../../src-main/hosts/cli/commands/changes';
import { csvCell, csvLine } from '../../../src-main/reports/csv';
import { createErrorsCommand } from '../../../src-main/hosts/cli/commands/errors';
import { createServices } from '../../../src-main/hosts/services';
import { insertErrors } from './fixtures';
import { allRows, END, iso, matches, openTestMirror, type PlainRow } from './test-mirror';

let mirror: ReturnType<typeof openTestMirror>;
let db: Database.Database;
let rows: PlainRow[];
let closed = 0;

beforeAll(() => {
  mirror = openTestMirror();
  db = mirror.db;
  rows = allRows(db);
  const add = db.prepare("INSERT INTO instances (id, name, url, db, login, secret, created_at, removed_at) VALUES (?, ?, 'http://x', 'db', 'admin', '', 0, ?)");
  add.run('inst-prod', 'Production, EU', null);
  add.run('inst-staging', '=Staging', null);
  add.run('inst-demo', 'Demo', END - 10);
  insertErrors(db, [
    { instanceId: 'inst-prod', model: 'res.partner', recordId: 1, message: 'Timeout calling https://a.example/x for res.partner 12', ts: END - 50 },
    { instanceId: 'inst-demo', model: 'res.partner', recordId: 2, message: 'Timeout calling https://a.example/y for res.partner 14', ts: END - 40 },
    { instanceId: 'inst-prod', model: 'sale.order', recordId: 3, message: 'Access denied for "portal"', ts: END - 30 },
  ]);
});
afterAll(() => mirror.dispose());

/** The commands' services over the seeded mirror file, read-only, counting closes. */
const open = async () => {
  const app = await createServices({ dataDir: mirror.dir, engine: 'none', readonly: true, keychain: null });
  return {
    ...app,
    async close() {
      await app.close();
      closed++;
    },
  };
};
const commands = [createChangesCommand(open, { now: () => END * 1000 }), createErrorsCommand(open, { now: () => END * 1000 })];

async function run(argv: string[], signal = new AbortController().signal): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (text) => out.push(text), err: (text) => err.push(text), env: {}, interrupted: signal, isTty: false };
  const code = await runCli(commands, argv, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** Parses CSV per RFC 4180 (quoted fields may hold commas, quotes and line breaks). */
function parseCsv(text: string): string[][] {
  const records: string[][] = [[]];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const character = text[i];
    if (quoted) {
      if (character === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (character === '"') quoted = false;
      else field += character;
    } else if (character === '"') quoted = true;
    else if (character === ',') records.at(-1)!.push(field), (field = '');
    else if (character === '\n') records.at(-1)!.push(field), (field = ''), records.push([]);
    else field += character;
  }
  records.at(-1)!.push(field);
  return records;
}

describe('csv cells', () => {
  it.each([
    ['=SUM(A1:A2)', "'=SUM(A1:A2)"],
    ['+1', "'+1"],
    ['-2+3', "'-2+3"],
    ['@cmd', "'@cmd"],
    ['\tx', "'\tx"],
    ['\rx', "\"'\rx\""],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['=a,"b"', '"\'=a,""b"""'],
    ['سارة', 'سارة'],
    ['plain', 'plain'],
  ])('%j becomes %j', (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });

  it('writes numbers as they are and blanks for missing values', () => {
    expect(csvLine([42, undefined, -1, 'x'])).toBe('42,,-1,x\r\n');
  });
});

describe('ocm changes', () => {
  it('streams all matching rows as CSV, oldest first, injection-safe', async () => {
    const result = await run(['changes', '--csv', '--instance', 'inst-prod,=Staging']);
    expect(result.code).toBe(0);
    const [header, ...records] = parseCsv(result.out);
    expect(header.slice(0, 6)).toEqual(['instance', 'instance_id', 'timestamp', 'model', 'record_id', 'event']);
    const want = rows.filter((row) => row.instance_id !== 'inst-demo').reverse();
    expect(records.map((record) => record[1])).toEqual(want.map((row) => row.instance_id));
    expect(records.map((record) => record[2])).toEqual(want.map((row) => iso(row.ts)));
    expect(new Set(records.map((record) => record[0]))).toEqual(new Set(['Production, EU', "'=Staging"]));
    const hostile = records.find((record) => record[7].includes('calc'))!;
    expect(hostile[7]).toBe("'=cmd|calc");
    expect(records.find((record) => record[8] === 'name display_name')).toBeDefined();
  });

  it('prints a table in local time with instance names and the removed marker', async () => {
    const result = await run(['changes', '--record-id', '4242', '--model', 'res.partner']);
    expect(result.code).toBe(0);
    const lines = result.out.split('\n');
    expect(lines[0]).toMatch(/^INSTANCE\s+TIME\s+MODEL\s+RECORD\s+EVENT\s+SERVER$/);
    expect(lines).toHaveLength(1 + rows.filter((row) => row.model === 'res.partner' && row.record_id === 4242).length);
    expect(lines.find((line) => line.includes('removed on server') && line.includes('(by you)'))).toMatch(/^Production, EU\s+\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\s+res\.partner\s+4242\s+write/);
    // Columns line up: every row has its time where the header has TIME.
    const timeColumn = lines[0].indexOf('TIME');
    for (const line of lines.slice(1)) expect(line.slice(timeColumn)).toMatch(/^\d{4}-\d{2}-\d{2} /);
  });

  it('applies --since as an age, --limit as the newest N, and JSON output', async () => {
    const since = await run(['changes', '--since', '2h', '--json']);
    const parsed = JSON.parse(since.out) as { key: string; instanceName: string; timestamp: string }[];
    const want = rows.filter((row) => matches(row, { from: iso(END - 7200) })).reverse();
    expect(parsed.map((row) => row.key)).toEqual(want.map((row) => String(row.id)));
    // Demo was removed with its history kept: its rows say so.
    expect(parsed.find((row) => row.instanceName === 'Demo (removed instance)')).toBeDefined();

    const limited = await run(['changes', '--limit', '5', '--ndjson', '--event', 'unlink', '--present']);
    const lines = limited.out.split('\n').map((line) => JSON.parse(line) as { key: string });
    expect(lines.map((row) => row.key)).toEqual(rows.filter((row) => row.event === 'unlink' && row.removed_at === null).slice(0, 5).reverse().map((row) => String(row.id)));
  });

  it('prints an empty JSON array and a friendly table when nothing matches', async () => {
    expect(JSON.parse((await run(['changes', '--model', 'no.such', '--json'])).out)).toEqual([]);
    expect((await run(['changes', '--model', 'no.such'])).out).toBe('No changes match.');
  });

  it('refuses bad options with exit code 64 and closes the store', async () => {
    const before = closed;
    expect((await run(['changes', '--removed', '--present'])).code).toBe(64);
    expect((await run(['changes', '--csv', '--json'])).code).toBe(64);
    const unknown = await run(['changes', '--instance', 'Nowhere']);
    expect([unknown.code, unknown.err]).toEqual([64, expect.stringContaining('no instance named "Nowhere"')]);
    expect((await run(['changes', '--since', 'last week'])).err).toContain('not a valid time');
    expect(closed).toBeGreaterThan(before);
  });

  it('stops with exit code 130 when interrupted', async () => {
    const controller = new AbortController();
    controller.abort();
    expect((await run(['changes', '--ndjson'], controller.signal)).code).toBe(130);
  });
});

describe('ocm errors', () => {
  it('prints rows newest first and groups with counts', async () => {
    const rowsOut = await run(['errors', '--instance', 'inst-prod']);
    expect(rowsOut.out.split('\n').slice(1).map((line) => line.includes('Access denied'))).toEqual([true, false]);
    const groups = await run(['errors', '--groups', '--json']);
    expect((JSON.parse(groups.out) as { count: number; title: string; instanceNames: string[] }[]).map((group) => [group.count, group.title, group.instanceNames]))
      .toEqual([[1, 'Access denied for "<value>"', ['Production, EU']], [2, 'Timeout calling <url> for res.partner <n>', ['Demo (removed instance)', 'Production, EU']]]);
    const table = await run(['errors', '--groups', '--text', 'timeout']);
    expect(table.out.split('\n')).toHaveLength(2);
    expect(table.out).toMatch(/^COUNT\s+LAST SEEN/);
  });
});
