/** The local mirror store: open it, its repositories, the secret vault, and where the data lives. */
export type { SqlDatabase, SqlStatement, RunResult, SqlValue } from './database';
export { openStore, Store } from './store';
export { SCHEMA_VERSION, translateSqliteError, type OpenStoreOptions } from './open';
export { dataDirectory, databasePath, APP_FOLDER, DATABASE_FILE } from './data-directory';
export { createKeyFileVault, KEY_FILE, type SecretVault } from './secret-vault';
export { odooTimeToUnix, unixToOdooTime, unixToIso, isoToUnix, nowUnix } from './time';
export type { InstanceRecord, InstanceFields } from './repositories/instances';
export type { SyncState } from './repositories/sync-state';
export type { NewLogEntry } from './repositories/sync-log';
export { DEFAULT_SETTINGS } from './repositories/settings';
export type { MirrorChange, MirrorError, RowIdentity, RemovedBy, CursorAdvance } from './repositories/mirror';
