/**
 * The local mirror's schema, as ordered migrations. A migration is never edited once shipped: add a new
 * one. Times are stored as integer Unix seconds (UTC) so range filters and buckets are integer math;
 * services convert to ISO strings at the edge.
 *
 * History semantics (docs/architecture.md, "History semantics"): a `changes` row
 * is never deleted by sync. A server row that vanishes gets `removed_at`/`removed_by`; a server whose log
 * was reset starts a new `epoch`, so reused server ids never collide with old history. With our addon a
 * repeated event refreshes the same server row; each refresh seen becomes a new `revision` of that row.
 */
export interface Migration {
  version: number;
  description: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'instances, mirrored changes and errors, sync state and log, settings, journal, reports',
    sql: `
CREATE TABLE instances (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  url TEXT NOT NULL,
  db TEXT NOT NULL,
  login TEXT NOT NULL,
  secret TEXT NOT NULL,                       -- password or API key, encrypted by the SecretVault
  transport TEXT NOT NULL DEFAULT 'xmlrpc' CHECK (transport IN ('xmlrpc', 'jsonrpc')),
  production INTEGER NOT NULL DEFAULT 0,
  demo INTEGER NOT NULL DEFAULT 0,
  poll_interval_seconds INTEGER NOT NULL DEFAULT 30,
  trusted_cert_sha256 TEXT,
  position INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  removed_at INTEGER                          -- removed but history kept: hidden from the instance list
);
CREATE UNIQUE INDEX instances_name ON instances(name) WHERE removed_at IS NULL;

CREATE TABLE changes (
  id INTEGER PRIMARY KEY,                     -- local key
  instance_id TEXT NOT NULL,
  epoch INTEGER NOT NULL DEFAULT 0,           -- bumped when the server's log is reset
  server_id INTEGER NOT NULL,                 -- update.webhook.id
  revision INTEGER NOT NULL DEFAULT 0,        -- refreshes of the same server row (our addon)
  model TEXT NOT NULL,
  record_id INTEGER NOT NULL,
  event TEXT NOT NULL CHECK (event IN ('create', 'write', 'unlink')),
  ts INTEGER NOT NULL,                        -- server timestamp, Unix seconds UTC
  first_seen_at INTEGER NOT NULL,
  removed_at INTEGER,
  removed_by TEXT CHECK (removed_by IN ('server', 'user', 'reset')),
  user_name TEXT,
  changed_fields TEXT,                        -- comma-separated field names (our addon)
  change_count INTEGER,
  extra TEXT                                  -- JSON of any other server fields
);
CREATE UNIQUE INDEX changes_server_row ON changes(instance_id, epoch, server_id, revision);
CREATE INDEX changes_timeline ON changes(ts DESC, id DESC);
CREATE INDEX changes_instance_timeline ON changes(instance_id, ts DESC, id DESC);
CREATE INDEX changes_model_timeline ON changes(model, ts DESC, id DESC);
CREATE INDEX changes_event_timeline ON changes(event, ts DESC, id DESC);
CREATE INDEX changes_record ON changes(model, record_id, ts DESC);

-- Pre-aggregated counts per hour, kept by the writer in the same transaction as the rows, so facets and
-- histograms over a million rows read thousands of aggregate rows instead of scanning.
CREATE TABLE change_hours (
  instance_id TEXT NOT NULL,
  model TEXT NOT NULL,
  event TEXT NOT NULL,
  hour INTEGER NOT NULL,                      -- ts / 3600
  present INTEGER NOT NULL DEFAULT 0,         -- rows not removed
  removed INTEGER NOT NULL DEFAULT 0,         -- rows removed from the server
  PRIMARY KEY (instance_id, model, event, hour)
) WITHOUT ROWID;
CREATE INDEX change_hours_hour ON change_hours(hour);

CREATE TABLE errors (
  id INTEGER PRIMARY KEY,
  instance_id TEXT NOT NULL,
  epoch INTEGER NOT NULL DEFAULT 0,
  server_id INTEGER NOT NULL,
  model TEXT NOT NULL,
  record_id INTEGER NOT NULL,
  message TEXT NOT NULL,
  fingerprint TEXT NOT NULL,                  -- message with numbers and ids normalized
  ts INTEGER NOT NULL,
  first_seen_at INTEGER NOT NULL,
  removed_at INTEGER
);
CREATE UNIQUE INDEX errors_server_row ON errors(instance_id, epoch, server_id);
CREATE INDEX errors_timeline ON errors(ts DESC, id DESC);
CREATE INDEX errors_fingerprint ON errors(fingerprint, ts);
CREATE VIRTUAL TABLE errors_fts USING fts5(message, content='errors', content_rowid='id');
CREATE TRIGGER errors_fts_insert AFTER INSERT ON errors BEGIN
  INSERT INTO errors_fts(rowid, message) VALUES (new.id, new.message);
END;
CREATE TRIGGER errors_fts_delete AFTER DELETE ON errors BEGIN
  INSERT INTO errors_fts(errors_fts, rowid, message) VALUES ('delete', old.id, old.message);
END;

CREATE TABLE sync_state (
  instance_id TEXT PRIMARY KEY,
  epoch INTEGER NOT NULL DEFAULT 0,
  change_cursor INTEGER NOT NULL DEFAULT 0,   -- highest update.webhook id mirrored
  error_cursor INTEGER NOT NULL DEFAULT 0,    -- highest webhook.errors id mirrored
  revision_cursor TEXT,                       -- newest refreshed timestamp seen (our addon)
  snapshot_done INTEGER NOT NULL DEFAULT 0,
  last_sync_at INTEGER,
  last_deletion_check_at INTEGER,
  server_version TEXT,
  capabilities TEXT                           -- JSON of the last detected Capabilities
);

CREATE TABLE sync_log (
  id INTEGER PRIMARY KEY,
  instance_id TEXT NOT NULL,
  at INTEGER NOT NULL,
  level TEXT NOT NULL CHECK (level IN ('info', 'warning', 'error')),
  kind TEXT NOT NULL,
  message TEXT NOT NULL,
  added INTEGER,
  removed INTEGER,
  duration_ms INTEGER
);
CREATE INDEX sync_log_instance ON sync_log(instance_id, id DESC);

CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL                         -- JSON
);

CREATE TABLE journal (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  instance_id TEXT NOT NULL,
  instance_name TEXT NOT NULL,
  action TEXT NOT NULL,
  description TEXT NOT NULL,
  requested INTEGER NOT NULL,
  succeeded INTEGER NOT NULL DEFAULT 0,
  result TEXT NOT NULL,
  error TEXT,
  detail TEXT                                 -- JSON: the filter or ids acted on
);

CREATE TABLE report_definitions (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  request TEXT NOT NULL                       -- JSON ExportRequest without outPath
);
`,
  },
  {
    version: 2,
    description: 'covering index of present server rows (with record ids), for deletion detection by id range',
    sql: `
CREATE INDEX changes_present ON changes(instance_id, epoch, server_id, record_id) WHERE removed_at IS NULL;
`,
  },
  {
    version: 3,
    description: 'sync log lines keep their catalogue key and parameters, so the UI can show them in its language',
    sql: `
ALTER TABLE sync_log ADD COLUMN message_key TEXT;
ALTER TABLE sync_log ADD COLUMN params TEXT;    -- JSON object of the key's placeholder values
`,
  },
  {
    version: 4,
    description: 'a paused instance stays paused when the app restarts',
    sql: `
ALTER TABLE sync_state ADD COLUMN paused INTEGER NOT NULL DEFAULT 0;
`,
  },
  {
    version: 5,
    description: 'where each change came from, and the old → new values of its fields where the source knows them',
    sql: `
ALTER TABLE changes ADD COLUMN origin TEXT NOT NULL DEFAULT 'module' CHECK (origin IN ('module', 'polling', 'tracking'));
ALTER TABLE changes ADD COLUMN field_values TEXT;  -- JSON array of FieldChange (common/model.ts)
`,
  },
  {
    version: 6,
    description: "our addon's protocol 2: the log's token (a new one means the log was recreated) and the tombstone cursor",
    sql: `
ALTER TABLE sync_state ADD COLUMN log_token TEXT;                                  -- sync_state().log when last seen
ALTER TABLE sync_state ADD COLUMN tombstone_cursor INTEGER NOT NULL DEFAULT 0;     -- highest tombstone id applied
`,
  },
];
