/** The store's driver failures as coded errors the UI and the CLI can explain. */
import { OcmError } from '../common/errors';

/** The damaged-file error, naming the file and saying it was left untouched. */
export function corrupt(path: string, cause?: unknown): OcmError {
  return new OcmError('store-corrupt', `The local database ${path} is damaged or is not a database file.`, {
    hint: 'It was left untouched. Move it aside (or restore a backup) and start the app again to create a new one.',
    cause,
    detail: cause instanceof Error ? cause.message : undefined,
  });
}

/**
 * Maps driver errors to the store's codes: SQLITE_BUSY/LOCKED → 'store-locked', SQLITE_NOTADB/CORRUPT →
 * 'store-corrupt', SQLITE_READONLY → 'conflict' (opened read-only); OcmErrors pass through; anything else
 * becomes 'internal'.
 */
export function translateSqliteError(error: unknown, path: string): OcmError {
  if (error instanceof OcmError) return error;
  const code = typeof error === 'object' && error !== null ? String((error as { code?: unknown }).code ?? '') : '';
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new OcmError('store-locked', `The local database ${path} is locked by another process.`, {
      hint: 'Another copy of Odoo Change Monitor (or `ocm sync`) is probably using it. Close it, or set OCM_HOME to another folder.',
      cause: error,
    });
  }
  if (code.startsWith('SQLITE_NOTADB') || code.startsWith('SQLITE_CORRUPT')) return corrupt(path, error);
  if (code.startsWith('SQLITE_READONLY')) {
    return new OcmError('conflict', `The local database ${path} is open read-only here; nothing was changed.`, {
      hint: 'This command only reads the mirror. Use a command that changes it (e.g. `ocm instance`, `ocm sync`).',
      cause: error,
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new OcmError('internal', `The local database ${path} failed: ${message}`, { cause: error, detail: error instanceof Error ? error.stack : undefined });
}
