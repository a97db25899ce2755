import { describe, expect, it } from 'vitest';
import { TRACKED_MODELS } from '../../../src-main/simulator/schema';
import { Traffic } from '../../../src-main/simulator/traffic';
import type { TrafficOperation } from '../../../src-main/simulator/types';
import { makeDatabase, ManualClock } from './helpers';

function run(seed: number, count: number): { operations: TrafficOperation[]; rows: unknown[] } {
  const db = makeDatabase('original', new ManualClock());
  const traffic = new Traffic(() => db, seed);
  return { operations: traffic.step(count), rows: db.webhookRows() };
}

describe('traffic generator', () => {
  it('is deterministic for a seed', () => {
    const first = run(7, 300);
    const second = run(7, 300);
    expect(second.operations).toEqual(first.operations);
    expect(second.rows).toEqual(first.rows);
    expect(run(8, 300).operations).not.toEqual(first.operations);
  });

  it('creates, writes, deletes, archives and confirms across the tracked models through the module', () => {
    const { operations, rows } = run(3, 400);
    const kinds = new Set(operations.map((operation) => operation.kind));
    for (const kind of ['create', 'write', 'unlink', 'archive', 'confirm']) expect(kinds).toContain(kind);
    expect(new Set(operations.map((operation) => operation.model))).toEqual(new Set(TRACKED_MODELS));
    expect(rows.length).toBeGreaterThan(19);
    expect(operations.map((operation) => operation.sequence)).toEqual(operations.map((_, index) => index + 1));
  });

  it('reports each operation to listeners and counts them', () => {
    const db = makeDatabase();
    const traffic = new Traffic(() => db, 1);
    const seen: number[] = [];
    const unsubscribe = traffic.onOperation((operation) => seen.push(operation.sequence));
    traffic.step(3);
    unsubscribe();
    traffic.step(2);
    expect(seen).toEqual([1, 2, 3]);
    expect(traffic.operations).toBe(5);
  });
});
