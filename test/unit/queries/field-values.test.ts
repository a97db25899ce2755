/**
 * Old → new values in the timeline's filters: "field X changed", "value contained Y" (SQL over
 * `field_values` with SQLite's JSON functions) and free text, checked against the plain-JavaScript reading
 * of common/field-values.ts that alert rules use, so the preview and the rules agree; and the field facet.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asciiLower, rowChangedField, rowValuesMatch } from '../../../src-main/common/field-values';
import type { ChangeFilter, FieldChange, ValueCondition } from '../../../src-main/common/model';
import { countRows, changeRowsByKeys, timelinePage } from '../../../src-main/store/queries/change-queries';
import { ChangeService } from '../../../src-main/store/queries/change-service';
import { fieldFacet } from '../../../src-main/store/queries/field-facet';
import { normalizeFilter } from '../../../src-main/store/queries/filter';
import type { SqlDatabase } from '../../../src-main/store/database';
import { createMirrorDatabase, insertChanges, seedRealistic } from './fixtures';

const END = Date.UTC(2026, 10, 30) / 1000;
let dir: string;
let db: Database.Database;
let sql: SqlDatabase;

/** Hand-made rows covering every kind of value, and names that only differ in case or by a prefix. */
const VALUES: { model: string; changedFields?: string; values: FieldChange[] }[] = [
  { model: 'product.template', changedFields: 'list_price', values: [{ field: 'list_price', label: 'Sales Price', type: 'monetary', old: '10.00 USD', new: '12.50 USD' }] },
  { model: 'sale.order', changedFields: 'partner_id,state', values: [
    { field: 'partner_id', label: 'Customer', type: 'many2one', old: [7, 'Azure Interior'], new: [9, 'Deco Addict'] },
    { field: 'state', label: 'Status', type: 'selection', old: 'Quotation', new: 'Sales Order' },
  ] },
  { model: 'sale.order', changedFields: 'tag_ids', values: [{ field: 'tag_ids', label: 'Tags', type: 'many2many', old: [[1, 'VIP']], new: [[1, 'VIP'], [4, 'B2B']], newCount: 25 }] },
  { model: 'res.partner', changedFields: 'display_name', values: [{ field: 'display_name', label: 'Display Name', type: 'char', old: 'Name 100% "quoted"', new: 'back\\slash_name' }] },
  { model: 'res.partner', changedFields: 'image_1920,active', values: [{ field: 'image_1920', label: 'Image', type: 'binary', changed: true }, { field: 'active', type: 'boolean', old: true, new: false }] },
  { model: 'hr.employee', changedFields: 'children', values: [{ field: 'children', label: 'Children', type: 'integer', old: 2, new: 3 }] },
  { model: 'res.partner', values: [{ field: 'phone', label: 'Phone', type: 'char', old: false, new: '+966 55 123' }] }, // tracking-style: no changed_fields
  { model: 'res.partner', values: [{ field: 'name', label: 'Name', type: 'char', old: 'سارة أحمد', new: 'SARA Ahmed' }] },
  { model: 'account.move', changedFields: 'narration', values: [{ field: 'narration', label: 'Terms', type: 'html', old: '<p>Due in 30 days</p>', new: 'x'.repeat(500), truncated: true, newLength: 1834 }] },
];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ocm-values-'));
  db = createMirrorDatabase(join(dir, 'mirror.sqlite'));
  seedRealistic(db, { rows: 2000, end: END, days: 2, seed: 11, values: true });
  insertChanges(db, VALUES.map((row, index) => ({ instanceId: 'inst-prod', model: row.model, recordId: 100 + index, event: 'write', ts: END - 100 + index, changedFields: row.changedFields, values: row.values })));
  sql = db as unknown as SqlDatabase;
});
afterAll(() => {
  db?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Every row in contract form, through the same mapping the services use. */
function everyRow() {
  const ids = db.prepare('SELECT id FROM changes').pluck().all() as number[];
  return changeRowsByKeys(sql, ids.map(String));
}

/** The keys the SQL filter matches, sorted. */
function sqlKeys(filter: ChangeFilter): string[] {
  return timelinePage(sql, { filter, limit: 5000 }).rows.map((row) => row.key).sort();
}

/** The keys the JavaScript reading matches, sorted. */
function jsKeys(field: string | undefined, value: ValueCondition | undefined): string[] {
  return everyRow()
    .filter((row) => (field === undefined || rowChangedField(row, field)) && (value === undefined || rowValuesMatch(row, value, field)))
    .map((row) => row.key)
    .sort();
}

describe('value filters', () => {
  const cases: [string, string | undefined, ValueCondition | undefined, number?][] = [
    ['field only', 'list_price', undefined],
    ['field known only from values (no changed_fields)', 'phone', undefined],
    ['whole field names: name is not display_name', 'name', undefined],
    ['price contains 12.5', 'list_price', { text: '12.5' }],
    ['price, old side only', 'list_price', { text: '12.50', side: 'old' }, 0],
    ['many2one by name, any field', undefined, { text: 'azure' }],
    ['many2one ids are not searched', 'partner_id', { text: '9', match: 'equals' }, 0],
    ['selection equals, new side', 'state', { text: 'sales order', match: 'equals', side: 'new' }],
    ['x2many by one of its names', 'tag_ids', { text: 'B2B', match: 'equals' }, 1],
    ['LIKE wildcards and quotes are plain text', undefined, { text: '100% "quoted"' }, 1],
    ['a backslash and an underscore', undefined, { text: 'back\\slash_' }, 1],
    ['integers by their digits', 'children', { text: '3', match: 'equals', side: 'new' }, 1],
    ['empty and boolean values match nothing', 'active', { text: 'false' }, 0],
    ['Arabic text', 'name', { text: 'سارة' }, 1],
    ['ASCII case is ignored', 'name', { text: 'sara ahmed', match: 'equals' }, 1],
    ['html', 'narration', { text: '<p>due' }, 1],
  ];
  it.each(cases)('%s: SQL and the rules agree', (_name, field, value, expected) => {
    const filter: ChangeFilter = { changedField: field, value };
    const keys = sqlKeys(filter);
    expect(keys).toEqual(jsKeys(field, value));
    if (expected !== undefined) expect(keys).toHaveLength(expected);
    expect(countRows(sql, normalizeFilter(filter))).toBe(keys.length);
  });

  it('agrees with the rules on generated conditions', () => {
    const texts = ['USD', '0', '12', 'Azure', 'deco addict', 'Quotation', 'VIP', 'old', 'new state', 'x', 'Order', '%', '_', 'Ready', 'شركة'];
    const rows = everyRow();
    fc.assert(
      fc.property(
        fc.constantFrom(...texts),
        fc.constantFrom<ValueCondition['match']>('contains', 'equals'),
        fc.constantFrom<ValueCondition['side']>('either', 'old', 'new'),
        fc.constantFrom(undefined, 'state', 'partner_id', 'list_price', 'name', 'email'),
        (text, match, side, field) => {
          const value: ValueCondition = { text, match, side };
          const expected = rows.filter((row) => (field === undefined || rowChangedField(row, field)) && rowValuesMatch(row, value, field)).map((row) => row.key).sort();
          expect(sqlKeys({ changedField: field, value })).toEqual(expected);
        },
      ),
      { numRuns: 60, seed: 13 },
    );
  });
});

describe('free text over values', () => {
  it('finds a value, a field label and a relation name, but not the field type', () => {
    const texts = (text: string) => timelinePage(sql, { filter: { text }, limit: 5000 }).rows;
    expect(texts('Deco Addict').some((row) => row.values?.some((change) => change.field === 'partner_id'))).toBe(true);
    expect(texts('Sales Price').length).toBeGreaterThan(0);
    expect(texts('+966').map((row) => row.values?.[0].field)).toEqual(['phone']);
    const many2many = texts('many2many').filter((row) => row.recordId === 102);
    expect(many2many).toHaveLength(0);
  });

  it('matches every word somewhere in the row', () => {
    const rows = timelinePage(sql, { filter: { text: 'sale.order Azure' }, limit: 5000 }).rows;
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row.model).toBe('sale.order');
      expect(JSON.stringify(row.values).toLowerCase()).toContain('azure');
    }
  });
});

describe('field facet', () => {
  it('is offered for one model only, counts each row once per field and knows the labels', () => {
    expect(fieldFacet(sql, normalizeFilter({}))).toBeUndefined();
    expect(fieldFacet(sql, normalizeFilter({ models: ['sale.order', 'res.partner'] }))).toBeUndefined();
    const facet = fieldFacet(sql, normalizeFilter({ models: ['sale.order'], events: ['write'] }))!;
    const total = Number(db.prepare("SELECT count(*) FROM changes WHERE model = 'sale.order' AND event = 'write'").pluck().get());
    expect(facet.fieldsFrom).toBe(Math.min(total, 2000));
    expect(total).toBeLessThan(2000);
    const state = facet.fields.find((field) => field.value === 'state')!;
    expect(state.label).toBe('Status');
    const expected = Number(db.prepare("SELECT count(*) FROM changes WHERE model = 'sale.order' AND event = 'write' AND (',' || changed_fields || ',') LIKE '%,state,%'").pluck().get());
    expect(state.count).toBe(expected);
  });

  it('ignores its own filter, and reads values when a row has no changed-field list', async () => {
    const service = new ChangeService(sql, () => ({ dispose: () => undefined }));
    const facets = await service.facets({ models: ['res.partner'], changedField: 'phone', value: { text: '966' } });
    expect(facets.total).toBe(1);
    const phone = countRows(sql, normalizeFilter({ models: ['res.partner'], changedField: 'phone' }));
    expect(phone).toBeGreaterThan(1);
    expect(facets.fields?.find((field) => field.value === 'phone')?.count).toBe(phone);
    expect(facets.fields?.length).toBeGreaterThan(1);
  });
});

describe('filter checks', () => {
  it('refuses an unknown match or side with a clear message', () => {
    expect(() => normalizeFilter({ value: { text: 'x', match: 'like' as never } })).toThrow(/Unknown value match "like"/);
    expect(() => normalizeFilter({ value: { text: 'x', side: 'both' as never } })).toThrow(/Unknown value side "both"/);
    expect(normalizeFilter({ value: { text: '' } }).value).toBeUndefined();
  });

  it('reads ASCII case like SQLite (other letters keep theirs)', () => {
    expect(asciiLower('ÉCOLE Sara')).toBe('École sara');
  });
});
