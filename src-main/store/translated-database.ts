/**
 * The store's connection as its repositories and queries see it: every statement, pragma and transaction
 * rethrows driver failures as the store's coded errors ('store-locked', 'store-corrupt', …), so no caller
 * can forget to translate one (a locked database during a sync pass reports 'store-locked', not 'internal').
 */
import type { SqlDatabase, SqlStatement } from './database';
import { translateSqliteError } from './sqlite-errors';

/** Wraps `db` (opened from `path`) so every failure it throws is an OcmError naming the file. */
export function translatingErrors(db: SqlDatabase, path: string): SqlDatabase {
  const translate = (error: unknown) => translateSqliteError(error, path);

  function* iterate(iterator: IterableIterator<unknown>): IterableIterator<unknown> {
    try {
      for (;;) {
        let step: IteratorResult<unknown>;
        try {
          step = iterator.next();
        } catch (error) {
          throw translate(error);
        }
        if (step.done) return;
        yield step.value;
      }
    } finally {
      // A consumer that stops early must release the statement (the connection is busy until then).
      iterator.return?.();
    }
  }

  function statement(native: SqlStatement): SqlStatement {
    const wrapped: SqlStatement = {
      run(...params) {
        try {
          return native.run(...params);
        } catch (error) {
          throw translate(error);
        }
      },
      get(...params) {
        try {
          return native.get(...params);
        } catch (error) {
          throw translate(error);
        }
      },
      all(...params) {
        try {
          return native.all(...params);
        } catch (error) {
          throw translate(error);
        }
      },
      iterate(...params) {
        try {
          return iterate(native.iterate(...params));
        } catch (error) {
          throw translate(error);
        }
      },
      // The driver's toggles change the statement itself and return it: so do these.
      pluck(toggle) {
        native.pluck(toggle ?? true);
        return wrapped;
      },
      raw(toggle) {
        native.raw(toggle ?? true);
        return wrapped;
      },
    };
    return wrapped;
  }

  return {
    prepare(sql) {
      try {
        return statement(db.prepare(sql));
      } catch (error) {
        throw translate(error);
      }
    },
    exec(sql) {
      try {
        return db.exec(sql);
      } catch (error) {
        throw translate(error);
      }
    },
    pragma(source, options) {
      try {
        return db.pragma(source, options);
      } catch (error) {
        throw translate(error);
      }
    },
    transaction(fn) {
      // The driver's transaction functions also offer the IMMEDIATE variant our interface leaves out.
      const transaction = db.transaction(fn) as typeof fn & { immediate: typeof fn };
      return (...args) => {
        try {
          // BEGIN IMMEDIATE: every transaction here writes. A deferred one that reads first and then
          // writes fails at once with SQLITE_BUSY (no waiting) when another connection committed in
          // between, as the UI thread's alert deliveries do while the sync worker mirrors.
          return transaction.immediate(...args);
        } catch (error) {
          throw translate(error);
        }
      };
    },
    close: () => db.close(),
    get open() {
      return db.open;
    },
    get inTransaction() {
      return db.inTransaction;
    },
  };
}
