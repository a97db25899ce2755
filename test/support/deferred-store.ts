/**
 * The SQLite store answering the way the PostgreSQL store does: every repository call the engine makes
 * returns a Promise, and the SQLite method runs only on a later turn of the event loop (other work runs
 * in between, as while a query travels to the server). An engine that forgets an await, or assumes
 * nothing runs between two store calls, behaves differently over it than over the SQLite store.
 */
import type { Store } from '../../src-main/store/store';
import type { SyncEngineStore } from '../../src-main/sync/scheduler';

const PORTS = ['instances', 'syncState', 'syncLog', 'mirror', 'polling'] as const;

/** Runs `task` after `turns` more turns of the event loop. */
function after(turns: number, task: () => void): void {
  setImmediate(() => (turns > 0 ? after(turns - 1, task) : task()));
}

/** `repository` with each method run `delay()` turns later (at least one) and its result a Promise. */
function deferred<T extends object>(repository: T, delay: () => number): T {
  return new Proxy(repository, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) =>
        new Promise((resolve, reject) => {
          after(delay(), () => {
            try {
              resolve((value as (...args: unknown[]) => unknown).apply(target, args));
            } catch (error) {
              reject(error instanceof Error ? error : new Error(String(error)));
            }
          });
        });
    },
  });
}

/**
 * The engine's repositories of `store`, each answering later with a Promise. Calls land 1 to 4 turns
 * later (a fixed pseudo-random sequence), so like queries over a pool of connections, a call not
 * awaited may land after one made after it.
 */
export function deferredStore(store: Store): SyncEngineStore {
  let seed = 12345;
  const delay = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % 4;
  };
  return Object.fromEntries(PORTS.map((port) => [port, deferred(store[port], delay)])) as unknown as SyncEngineStore;
}
