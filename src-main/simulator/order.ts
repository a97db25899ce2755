/**
 * Odoo `order` specifications (`'timestamp desc, id'`): parsing, validation and a row comparator with
 * PostgreSQL's NULL placement (last when ascending, first when descending).
 */
import { pythonRepr } from './codec/python';
import { pythonError } from './errors';
import type { ModelDef } from './schema';
import type { Row } from './table';

/** One `field direction` term. */
export interface OrderTerm {
  field: string;
  descending: boolean;
}

const TERM = /^"?(\w+)"?(?:\s+(asc|desc))?(?:\s+nulls\s+(first|last))?$/i;

/** Parses and validates an order string against a model (Odoo's `_check_qorder` + field checks). */
export function parseOrder(order: string, model: ModelDef): OrderTerm[] {
  const terms: OrderTerm[] = [];
  for (const part of order.split(',')) {
    const text = part.trim();
    if (!text) continue;
    const match = TERM.exec(text);
    if (!match) {
      throw pythonError(
        'ValueError',
        `Invalid "order" specified (${order}). A valid "order" specification is a comma-separated list of valid field names (optionally followed by asc/desc for the direction)`,
      );
    }
    const field = model.fields.get(match[1]);
    if (!field) throw pythonError('ValueError', `Invalid field ${pythonRepr(match[1])} on model ${pythonRepr(model.name)}`);
    if (field.store === false && field.name !== 'display_name') {
      throw pythonError('ValueError', `Cannot convert ${model.name}.${field.name} to SQL because it is not stored`);
    }
    terms.push({ field: match[1], descending: (match[2] ?? 'asc').toLowerCase() === 'desc' });
  }
  return terms;
}

/** True when the order is exactly `id` ascending or descending (the fast paths). */
export function idOnlyOrder(terms: readonly OrderTerm[]): 'asc' | 'desc' | undefined {
  if (terms.length !== 1 || terms[0].field !== 'id') return undefined;
  return terms[0].descending ? 'desc' : 'asc';
}

/**
 * A comparator for `terms`, ending with `id` as a tie-breaker so results are stable.
 * `sortKey` maps a field value to what is compared (many2one → target display name, unset → null).
 */
export function rowComparator(terms: readonly OrderTerm[], sortKey: (row: Row, field: string) => unknown): (a: Row, b: Row) => number {
  const all = terms.some((term) => term.field === 'id') ? terms : [...terms, { field: 'id', descending: false }];
  return (a, b) => {
    for (const term of all) {
      const left = term.field === 'id' ? a.id : sortKey(a, term.field);
      const right = term.field === 'id' ? b.id : sortKey(b, term.field);
      const leftNull = left === null || left === undefined;
      const rightNull = right === null || right === undefined;
      let result: number;
      if (leftNull || rightNull) {
        if (leftNull && rightNull) continue;
        // NULLS LAST ascending, NULLS FIRST descending (PostgreSQL default); the flip below does both.
        result = leftNull ? 1 : -1;
      } else if (typeof left === 'number' && typeof right === 'number') {
        result = left - right;
      } else if (typeof left === 'boolean' || typeof right === 'boolean') {
        result = Number(left) - Number(right);
      } else {
        const l = String(left);
        const r = String(right);
        result = l < r ? -1 : l > r ? 1 : 0;
      }
      if (result !== 0) return term.descending ? -result : result;
    }
    return 0;
  };
}
