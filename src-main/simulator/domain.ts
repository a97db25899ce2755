/**
 * Odoo domain evaluation: prefix `&` `|` `!` with implicit `&`, every comparison operator of Odoo 18
 * (`=`, `!=`, `<`, `<=`, `>`, `>=`, `=?`, `in`, `not in`, `like`, `not like`, `ilike`, `not ilike`,
 * `=like`, `=ilike`, `child_of`, `parent_of`, `any`, `not any`) with SQL NULL semantics, many2one compared by
 * id (or by name when given a string) and dotted paths through many2one fields.
 */
import { pythonRepr } from './codec/python';
import { pythonError } from './errors';
import type { ModelDef } from './schema';
import type { Row } from './table';

/** What domain evaluation needs from the database. */
export interface DomainEnvironment {
  model(name: string): ModelDef;
  /** A stored row of another model (many2one targets). */
  row(model: string, id: number): Row | undefined;
  /** All rows of a model (for child_of and one2many). */
  rows(model: string): readonly Row[];
  /** The record's display name. */
  displayName(model: string, row: Row): string;
}

/** A compiled domain. */
export interface CompiledDomain {
  test(row: Row): boolean;
  /** Inclusive id range implied by a pure conjunction (null bounds = open); speeds up id-ordered scans. */
  idRange: { min: number; max: number };
  /** Explicit ids when the conjunction contains `('id', 'in', [...])` or `('id', '=', n)`. */
  idList?: number[];
}

const OPERATORS = new Set([
  '=',
  '!=',
  '<>',
  '<',
  '<=',
  '>',
  '>=',
  '=?',
  'in',
  'not in',
  'like',
  'not like',
  'ilike',
  'not ilike',
  '=like',
  '=ilike',
  'child_of',
  'parent_of',
  'any',
  'not any',
]);

type Leaf = [string, string, unknown];
type Node = { op: '&' | '|'; left: Node; right: Node } | { op: '!'; child: Node } | { op: 'leaf'; leaf: Leaf } | { op: 'const'; value: boolean };

function invalidLeaf(leaf: unknown): never {
  throw pythonError('ValueError', `Invalid leaf ${pythonRepr(leaf, true)}`);
}

function isLeaf(token: unknown): token is unknown[] {
  return Array.isArray(token);
}

/** Odoo's `normalize_domain`: adds the implicit `&` operators. */
export function normalizeDomain(domain: readonly unknown[]): unknown[] {
  if (!domain.length) return [];
  const result: unknown[] = [];
  let expected = 1;
  for (const token of domain) {
    if (expected === 0) {
      result.unshift('&');
      expected = 1;
    }
    if (isLeaf(token)) {
      expected -= 1;
    } else if (token === '&' || token === '|') {
      expected += 1;
    } else if (token === '!') {
      expected += 0;
    } else {
      throw pythonError('ValueError', `Invalid domain term ${pythonRepr(token)}`);
    }
    result.push(token);
  }
  if (expected !== 0) throw pythonError('ValueError', `Domain ${pythonRepr(domain)} is syntactically not correct.`);
  return result;
}

/** Odoo's `expression.AND`: combines domains with `&`, skipping empty ones. */
export function andDomains(domains: ReadonlyArray<readonly unknown[]>): unknown[] {
  const parts = domains.filter((domain) => domain.length > 0).map((domain) => normalizeDomain(domain));
  const result: unknown[] = [];
  for (let i = 1; i < parts.length; i++) result.push('&');
  for (const part of parts) result.push(...part);
  return result;
}

function parseTree(tokens: unknown[]): Node {
  let index = 0;
  const next = (): Node => {
    const token = tokens[index++];
    if (token === '&' || token === '|') {
      const left = next();
      const right = next();
      return { op: token, left, right };
    }
    if (token === '!') return { op: '!', child: next() };
    if (!isLeaf(token)) throw pythonError('ValueError', `Invalid domain term ${pythonRepr(token)}`);
    if (token.length !== 3) invalidLeaf(token);
    const [left, operator, right] = token;
    // TRUE_LEAF (1, '=', 1) and FALSE_LEAF (0, '=', 1)
    if ((left === 1 || left === 0) && operator === '=' && right === 1) return { op: 'const', value: left === 1 };
    if (typeof left !== 'string' || typeof operator !== 'string') invalidLeaf(token);
    const op = operator.toLowerCase();
    if (!OPERATORS.has(op)) invalidLeaf(token);
    return { op: 'leaf', leaf: [left, op === '<>' ? '!=' : op, right] };
  };
  const tree = next();
  if (index !== tokens.length) throw pythonError('ValueError', `Domain ${pythonRepr(tokens)} is syntactically not correct.`);
  return tree;
}

function likeRegex(pattern: string, wrap: boolean, insensitive: boolean): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === '\\' && i + 1 < pattern.length) {
      source += pattern[++i].replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    } else if (char === '%') {
      source += '.*';
    } else if (char === '_') {
      source += '.';
    } else {
      source += char.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    }
  }
  if (wrap) source = `.*${source}.*`;
  return new RegExp(`^${source}$`, insensitive ? 'is' : 's');
}

function isNull(value: unknown): boolean {
  return value === false || value === null || value === undefined;
}

function compare(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' || typeof b === 'boolean') return Number(a) - Number(b);
  const left = String(a);
  const right = String(b);
  return left < right ? -1 : left > right ? 1 : 0;
}

type Getter = (row: Row) => unknown;

/**
 * Compiles a domain for a model. Throws Odoo's `ValueError`s for invalid fields and leaves, exactly like
 * `Invalid field update.webhook.nosuchfield in leaf ('nosuchfield', '=', 1)`.
 */
export function compileDomain(domain: unknown, modelName: string, env: DomainEnvironment): CompiledDomain {
  if (!Array.isArray(domain)) throw pythonError('ValueError', `Invalid domain: ${pythonRepr(domain)}`);
  const normalized = normalizeDomain(domain);
  if (!normalized.length) return { test: () => true, idRange: { min: -Infinity, max: Infinity } };
  const tree = parseTree(normalized);
  const test = compileNode(tree, modelName, env);
  const range = { min: -Infinity, max: Infinity };
  let idList: number[] | undefined;
  // Id bounds only from the top-level conjunction: any `|` or `!` above a leaf makes it unusable.
  const visit = (node: Node): void => {
    if (node.op === '&') {
      visit(node.left);
      visit(node.right);
      return;
    }
    if (node.op !== 'leaf' || node.leaf[0] !== 'id') return;
    const [, op, value] = node.leaf;
    if (typeof value === 'number') {
      if (op === '>') range.min = Math.max(range.min, Math.floor(value) + 1);
      else if (op === '>=') range.min = Math.max(range.min, Math.ceil(value));
      else if (op === '<') range.max = Math.min(range.max, Math.ceil(value) - 1);
      else if (op === '<=') range.max = Math.min(range.max, Math.floor(value));
      else if (op === '=') {
        range.min = Math.max(range.min, value);
        range.max = Math.min(range.max, value);
      }
    } else if (op === 'in' && Array.isArray(value) && value.every((item) => typeof item === 'number')) {
      const ids = value as number[];
      idList = idList ? idList.filter((id) => ids.includes(id)) : [...ids];
    }
  };
  visit(tree);
  return { test, idRange: range, idList: idList ? [...new Set(idList)].sort((a, b) => a - b) : undefined };
}

function compileNode(node: Node, modelName: string, env: DomainEnvironment): (row: Row) => boolean {
  switch (node.op) {
    case 'const':
      return node.value ? () => true : () => false;
    case '!': {
      const child = compileNode(node.child, modelName, env);
      return (row) => !child(row);
    }
    case '&': {
      const left = compileNode(node.left, modelName, env);
      const right = compileNode(node.right, modelName, env);
      return (row) => left(row) && right(row);
    }
    case '|': {
      const left = compileNode(node.left, modelName, env);
      const right = compileNode(node.right, modelName, env);
      return (row) => left(row) || right(row);
    }
    default:
      return compileLeaf(node.leaf, modelName, env);
  }
}

function compileLeaf(leaf: Leaf, modelName: string, env: DomainEnvironment): (row: Row) => boolean {
  const [path, op, value] = leaf;
  const model = env.model(modelName);
  const [first, ...rest] = path.split('.');
  const field = model.fields.get(first);
  if (!field) throw pythonError('ValueError', `Invalid field ${modelName}.${first} in leaf ${pythonRepr(leaf, true)}`);

  // Dotted path or any/not any through a many2one: evaluate the rest on the target record.
  if ((rest.length || op === 'any' || op === 'not any') && field.type === 'many2one' && field.relation) {
    const relation = field.relation;
    const sub = rest.length ? compileDomain([[rest.join('.'), op, value]], relation, env) : compileDomain(value, relation, env);
    const negate = !rest.length && op === 'not any';
    return (row) => {
      const id = row[first];
      const target = typeof id === 'number' ? env.row(relation, id) : undefined;
      const matched = target ? sub.test(target) : false;
      return negate ? !matched : matched;
    };
  }
  if (rest.length) throw pythonError('ValueError', `Invalid field ${modelName}.${path} in leaf ${pythonRepr(leaf, true)}`);

  if (field.type === 'one2many' && field.relation && field.inverse) {
    const relation = field.relation;
    const inverse = field.inverse;
    const childIds = (row: Row): number[] =>
      env
        .rows(relation)
        .filter((child) => child[inverse] === row.id)
        .map((child) => child.id);
    if (op === 'any' || op === 'not any') {
      const sub = compileDomain(value, relation, env);
      return (row) => {
        const matched = childIds(row).some((id) => {
          const child = env.row(relation, id);
          return child ? sub.test(child) : false;
        });
        return op === 'any' ? matched : !matched;
      };
    }
    const wanted = Array.isArray(value) ? value : [value];
    if (op === '=' && value === false) return (row) => childIds(row).length === 0;
    if (op === '!=' && value === false) return (row) => childIds(row).length > 0;
    if (op === 'in' || op === '=') return (row) => childIds(row).some((id) => wanted.includes(id));
    if (op === 'not in' || op === '!=') return (row) => !childIds(row).some((id) => wanted.includes(id));
    invalidLeaf(leaf);
  }

  let get: Getter;
  if (first === 'display_name') get = (row) => env.displayName(modelName, row);
  else get = (row) => row[first];

  // many2one compared with names (strings) goes through the target's display name.
  if (field.type === 'many2one' && field.relation) {
    const relation = field.relation;
    const byName =
      typeof value === 'string' || (Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === 'string'));
    if (byName || op.includes('like')) {
      const raw = get;
      get = (row) => {
        const id = raw(row);
        const target = typeof id === 'number' ? env.row(relation, id) : undefined;
        return target ? env.displayName(relation, target) : false;
      };
    } else if (op === 'child_of' || op === 'parent_of') {
      return hierarchy(relation, op, value, get, env);
    }
  }
  if ((op === 'child_of' || op === 'parent_of') && first === 'id') return hierarchy(modelName, op, value, get, env);
  if (field.type === 'boolean') {
    const raw = get;
    get = (row) => Boolean(raw(row));
  }
  return comparison(op, value, get, field.type === 'boolean', leaf);
}

function hierarchy(model: string, op: string, value: unknown, get: Getter, env: DomainEnvironment): (row: Row) => boolean {
  const roots = (Array.isArray(value) ? value : [value]).filter((id): id is number => typeof id === 'number');
  const rows = env.rows(model);
  const related = new Set<number>(roots);
  if (op === 'child_of') {
    let grew = true;
    while (grew) {
      grew = false;
      for (const row of rows) {
        const parent = row.parent_id;
        if (typeof parent === 'number' && related.has(parent) && !related.has(row.id)) {
          related.add(row.id);
          grew = true;
        }
      }
    }
  } else {
    for (const root of roots) {
      let current = env.row(model, root);
      while (current && typeof current.parent_id === 'number' && !related.has(current.parent_id)) {
        related.add(current.parent_id);
        current = env.row(model, current.parent_id);
      }
    }
  }
  return (row) => {
    const id = get(row);
    return typeof id === 'number' && related.has(id);
  };
}

function comparison(op: string, value: unknown, get: Getter, isBoolean: boolean, leaf: Leaf): (row: Row) => boolean {
  switch (op) {
    case '=?':
      if (value === false || value === null || value === undefined) return () => true;
      return comparison('=', value, get, isBoolean, leaf);
    case '=':
    case '!=': {
      let equal: (row: Row) => boolean;
      if (isNull(value)) {
        equal = isBoolean ? (row) => get(row) === false : (row) => isNull(get(row));
      } else if (Array.isArray(value)) {
        return comparison(op === '=' ? 'in' : 'not in', value, get, isBoolean, leaf);
      } else if (isBoolean) {
        const wanted = Boolean(value);
        equal = (row) => get(row) === wanted;
      } else {
        equal = (row) => {
          const current = get(row);
          return !isNull(current) && (current === value || compare(current, value) === 0);
        };
      }
      return op === '=' ? equal : (row) => !equal(row);
    }
    case '<':
    case '<=':
    case '>':
    case '>=': {
      if (isNull(value)) return () => false;
      const check =
        op === '<' ? (c: number) => c < 0 : op === '<=' ? (c: number) => c <= 0 : op === '>' ? (c: number) => c > 0 : (c: number) => c >= 0;
      if (typeof value === 'number') {
        return (row) => {
          const current = get(row);
          if (typeof current === 'number') return check(current - value);
          return !isNull(current) && check(compare(current, value));
        };
      }
      return (row) => {
        const current = get(row);
        return !isNull(current) && check(compare(current, value));
      };
    }
    case 'in':
    case 'not in': {
      const list = Array.isArray(value) ? value : [value];
      const withNull = list.some((item) => item === false || item === null);
      const values = new Set<unknown>(list.filter((item) => !isNull(item)));
      const numeric = new Set<number>();
      for (const item of values) if (typeof item === 'number') numeric.add(item);
      const member = (row: Row): boolean => {
        const current = get(row);
        if (isNull(current)) return withNull || (isBoolean && values.has(false));
        return values.has(current) || (typeof current === 'string' && numeric.has(Number(current)));
      };
      return op === 'in' ? member : (row) => !member(row);
    }
    case 'like':
    case 'ilike':
    case 'not like':
    case 'not ilike':
    case '=like':
    case '=ilike': {
      const negative = op.startsWith('not ');
      const base = negative ? op.slice(4) : op;
      const exact = base.startsWith('=');
      const insensitive = base.endsWith('ilike');
      if (isNull(value)) {
        // Odoo: ('name', 'ilike', False) matches unset values (and `not ilike` the set ones).
        return negative ? (row) => !isNull(get(row)) : (row) => isNull(get(row));
      }
      const patterns = (Array.isArray(value) ? value : [value]).map((item) => likeRegex(String(item), !exact, insensitive));
      const matches = (row: Row): boolean => {
        const current = get(row);
        if (isNull(current)) return false;
        const text = String(current);
        return patterns.some((pattern) => pattern.test(text));
      };
      return negative ? (row) => !matches(row) : matches;
    }
    default:
      return invalidLeaf(leaf);
  }
}
