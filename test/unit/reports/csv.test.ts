import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { CHANGE_EXPORT_COLUMNS, UTF8_BOM, csvCell, csvLine } from '../../../src-main/reports/csv';
import { writeChangesCsv } from '../../../src-main/reports/csv-export';
import { TextSink } from '../../../src-main/reports/row-stream';
import { generateRows, makeRows } from './fixtures';

/** Collects everything written to a stream. */
function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

describe('csvCell', () => {
  it.each([
    ['=HYPERLINK("http://evil")', `"'=HYPERLINK(""http://evil"")"`],
    ['+1+1', "'+1+1"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tcmd', "'\tcmd"],
    ['\rcmd', `"'\rcmd"`],
  ])('neutralises the formula starter in %j', (input, expected) => {
    expect(csvCell(input)).toBe(expected);
  });

  it('leaves ordinary text and numbers alone, negative numbers included', () => {
    expect(csvCell('res.partner')).toBe('res.partner');
    expect(csvCell('a=b')).toBe('a=b');
    expect(csvCell(-3)).toBe('-3');
    expect(csvCell(42)).toBe('42');
    expect(csvCell(undefined)).toBe('');
    expect(csvCell(null)).toBe('');
  });

  it('quotes commas, quotes and line breaks as RFC 4180 asks', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
  });

  it('keeps Arabic text as is', () => {
    expect(csvCell('شركة الأمل')).toBe('شركة الأمل');
  });

  it('ends every record with CRLF', () => {
    expect(csvLine(['a', 1, undefined])).toBe('a,1,\r\n');
  });
});

describe('writeChangesCsv', () => {
  it('writes a header and one line per row, with the instance name', async () => {
    const out = capture();
    const sink = new TextSink(out.stream);
    const count = await writeChangesCsv(makeRows(3), sink, { instanceNames: new Map([['i1', 'Main ERP']]) });
    await sink.end();
    const lines = out.text().split('\r\n');
    expect(count).toBe(3);
    expect(lines[0]).toBe(CHANGE_EXPORT_COLUMNS.join(','));
    expect(lines[1]).toBe('Main ERP,i1,2026-11-01T00:00:00Z,res.partner,100,create,1,,,,2026-11-01T00:00:00Z,,');
    expect(lines).toHaveLength(5); // header, 3 rows, and the empty string after the last CRLF
  });

  it('starts with a UTF-8 BOM only when asked', async () => {
    for (const bom of [true, false]) {
      const out = capture();
      const sink = new TextSink(out.stream);
      await writeChangesCsv(makeRows(1), sink, { bom });
      await sink.end();
      expect(out.text().startsWith(UTF8_BOM)).toBe(bom);
    }
  });

  it('neutralises injected values that come from the server', async () => {
    const out = capture();
    const sink = new TextSink(out.stream);
    const [row] = makeRows(1);
    await writeChangesCsv([{ ...row, userName: '=cmd|" /C calc"!A0', changedFields: ['name', 'email'] }], sink);
    await sink.end();
    expect(out.text()).toContain(`,"'=cmd|"" /C calc""!A0",name email,`);
  });

  it('reports progress and stops with "cancelled" when aborted', async () => {
    const out = capture();
    out.stream.resume();
    const controller = new AbortController();
    const seen: number[] = [];
    const run = writeChangesCsv(generateRows(50_000), new TextSink(out.stream), {
      signal: controller.signal,
      progressEvery: 1000,
      onProgress: (rows) => {
        seen.push(rows);
        if (rows === 3000) controller.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ code: 'cancelled' });
    expect(seen).toEqual([1000, 2000, 3000]);
  });
});
