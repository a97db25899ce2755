import { describe, expect, it } from 'vitest';
import { writeChangesJson, writeChangesNdjson } from '../../../src-main/reports/json-export';
import { generateRows, makeRows, renderText } from './fixtures';

const render = renderText;

describe('JSON export', () => {
  it('streams a valid JSON array of the rows', async () => {
    const rows = makeRows(5);
    const { text, count } = await render((sink) => writeChangesJson(rows, sink));
    expect(count).toBe(5);
    expect(JSON.parse(text)).toEqual(rows);
  });

  it('is a valid empty array when nothing matches', async () => {
    const { text } = await render((sink) => writeChangesJson([], sink));
    expect(JSON.parse(text)).toEqual([]);
  });

  it('stays valid across many small flushes (async sources too)', async () => {
    async function* slow() {
      for (const row of generateRows(3000)) yield row;
    }
    const { text, count } = await render((sink) => writeChangesJson(slow(), sink));
    const parsed = JSON.parse(text) as unknown[];
    expect(count).toBe(3000);
    expect(parsed).toHaveLength(3000);
    expect(parsed[2999]).toMatchObject({ serverId: 3000 });
  });
});

describe('NDJSON export', () => {
  it('writes one parseable object per line', async () => {
    const rows = makeRows(4);
    const { text } = await render((sink) => writeChangesNdjson(rows, sink));
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines.map((line) => JSON.parse(line))).toEqual(rows);
    expect(text.endsWith('\n')).toBe(true);
  });
});
