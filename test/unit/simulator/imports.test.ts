/**
 * The simulator's modules form no import cycle (type-only imports included): each file can be read, and
 * tested, from its dependencies up.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const folder = resolve(dirname(fileURLToPath(import.meta.url)), '../../../src-main/simulator');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.ts$/.test(entry) ? [path] : [];
  });
}

/** Relative imports of a file, resolved to files of the folder. */
function importsOf(file: string, files: ReadonlySet<string>): string[] {
  const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return info.importedFiles
    .map((ref) => ref.fileName)
    .filter((specifier) => specifier.startsWith('.'))
    .map((specifier) => resolve(dirname(file), specifier))
    .map((base) => [`${base}.ts`, join(base, 'index.ts')].find((candidate) => files.has(candidate)))
    .filter((target): target is string => target !== undefined);
}

/** Every cycle found by a depth-first walk, as a list of file names. */
function cycles(graph: ReadonlyMap<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string): void => {
    state.set(file, 'open');
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'open') found.push([...stack.slice(stack.indexOf(next)), next].map((path) => relative(folder, path)));
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  return found;
}

describe('simulator module graph', () => {
  it('has no import cycle', () => {
    const files = new Set(sourceFiles(folder));
    const graph = new Map([...files].map((file) => [file, importsOf(file, files)]));
    expect(graph.size).toBeGreaterThan(10);
    expect(cycles(graph)).toEqual([]);
  });

  it('reports a cycle when there is one (the check can fail)', () => {
    const graph = new Map([
      [join(folder, 'a.ts'), [join(folder, 'b.ts')]],
      [join(folder, 'b.ts'), [join(folder, 'a.ts')]],
    ]);
    expect(cycles(graph)).toEqual([['a.ts', 'b.ts', 'a.ts']]);
  });
});
