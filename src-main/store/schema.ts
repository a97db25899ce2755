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
    description: 'instances may use JSON-2 (Odoo 19+), and keep how their transport was chosen',
    // SQLite cannot alter a CHECK constraint: the table is rebuilt (new table, copy, drop, rename, index),
    // every row kept. A later migration that adds instance columns must come after this one.
    sql: `
CREATE TABLE instances_next (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  url TEXT NOT NULL,
  db TEXT NOT NULL,
  login TEXT NOT NULL,
  secret TEXT NOT NULL,                       -- password or API key, encrypted by the SecretVault
  transport TEXT NOT NULL DEFAULT 'xmlrpc' CHECK (transport IN ('xmlrpc', 'jsonrpc', 'json2')),
  production INTEGER NOT NULL DEFAULT 0,
  demo INTEGER NOT NULL DEFAULT 0,
  poll_interval_seconds INTEGER NOT NULL DEFAULT 30,
  trusted_cert_sha256 TEXT,
  position INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  removed_at INTEGER,                         -- removed but history kept: hidden from the instance list
  transport_choice TEXT                       -- JSON TransportChoice (reason, server version); NULL: kept as it was
);
INSERT INTO instances_next (id, name, url, db, login, secret, transport, production, demo, poll_interval_seconds, trusted_cert_sha256, position, created_at, removed_at)
  SELECT id, name, url, db, login, secret, transport, production, demo, poll_interval_seconds, trusted_cert_sha256, position, created_at, removed_at FROM instances;
DROP TABLE instances;
ALTER TABLE instances_next RENAME TO instances;
CREATE UNIQUE INDEX instances_name ON instances(name) WHERE removed_at IS NULL;
`,
  },
  {
    version: 7,
    description: 'how an instance is watched (module log or polling, watched models, tracking values), and the polling source\'s own cursors',
    sql: `
ALTER TABLE instances ADD COLUMN source TEXT NOT NULL DEFAULT 'module' CHECK (source IN ('module', 'polling'));
ALTER TABLE instances ADD COLUMN watched_models TEXT;            -- JSON array of model names; NULL = the default ten
ALTER TABLE instances ADD COLUMN tracking_values INTEGER NOT NULL DEFAULT 0;

-- The polling source (sync/polling/): one row per instance, then per watched model.
CREATE TABLE polling_state (
  instance_id TEXT PRIMARY KEY,
  server TEXT NOT NULL,                       -- url and database the cursors belong to
  message_cursor INTEGER,                     -- highest mail.message id read; NULL = not baselined yet
  message_date TEXT,                          -- newest mail.message date read (Odoo format)
  changed_at INTEGER,                         -- when a new message was last read (Unix seconds, app clock)
  window_read_at INTEGER,                     -- when the chatter's overlap window was last re-read (app clock)
  next_event INTEGER NOT NULL DEFAULT 0      -- the next polling event number (server id -(2n+1)), never reset
);
CREATE TABLE polling_models (
  instance_id TEXT NOT NULL,
  model TEXT NOT NULL,
  write_cursor TEXT,                          -- newest write_date read (Odoo format)
  baseline_after INTEGER NOT NULL DEFAULT 0,  -- ids read so far by the first scan
  baseline_done INTEGER NOT NULL DEFAULT 0,
  checked_at INTEGER,                         -- last check (Unix seconds, app clock)
  changed_at INTEGER,                         -- last check that found a change (app clock)
  window_read_at INTEGER,                     -- last re-read of the overlap window (app clock)
  PRIMARY KEY (instance_id, model)
) WITHOUT ROWID;
-- The records each watched model had when last checked: deletions are the ones that vanish.
CREATE TABLE polling_records (
  instance_id TEXT NOT NULL,
  model TEXT NOT NULL,
  record_id INTEGER NOT NULL,
  PRIMARY KEY (instance_id, model, record_id)
) WITHOUT ROWID;
`,
  },
  {
    version: 8,
    description: 'team mode: users, their instances and sessions; collector leases; the team servers a workstation reads',
    sql: `
CREATE TABLE users (
  id TEXT PRIMARY KEY,
  login TEXT NOT NULL,
  display_name TEXT,
  role TEXT NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
  password_hash TEXT NOT NULL,                -- scrypt (accounts/password.ts), never the password
  preferences TEXT,                           -- JSON: this user's language, theme and saved filters
  created_at INTEGER NOT NULL,
  password_changed_at INTEGER NOT NULL,
  last_login_at INTEGER
);
CREATE UNIQUE INDEX users_login ON users(login COLLATE NOCASE);

CREATE TABLE user_instances (                 -- the instances a viewer or operator may see
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  instance_id TEXT NOT NULL,
  PRIMARY KEY (user_id, instance_id)
) WITHOUT ROWID;

CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,                -- SHA-256 of the cookie's token; the token is never stored
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE leases (                         -- which collector syncs which instance
  instance_id TEXT PRIMARY KEY,
  holder TEXT NOT NULL,
  acquired_at INTEGER NOT NULL,               -- Unix milliseconds
  expires_at INTEGER NOT NULL,                -- Unix milliseconds; renewed by the holder
  generation INTEGER NOT NULL DEFAULT 1       -- bumped at every take-over (a fencing token)
);

CREATE TABLE team_servers (                   -- a workstation's links to team servers
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  url TEXT NOT NULL,
  login TEXT NOT NULL,
  session TEXT,                               -- the session token, encrypted by the SecretVault
  position INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL
);
`,
  },
  {
    version: 9,
    description: 'alert rules, the events they fired (queued with the rows that fired them), grouped messages and their deliveries',
    sql: `
CREATE TABLE alert_rules (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  enabled INTEGER NOT NULL DEFAULT 1,
  condition TEXT NOT NULL,                    -- JSON AlertCondition (common/alerts.ts)
  timing TEXT NOT NULL,                       -- JSON AlertTiming
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX alert_rules_name ON alert_rules(name COLLATE NOCASE);

CREATE TABLE alert_channels (
  id INTEGER PRIMARY KEY,
  rule_id TEXT NOT NULL REFERENCES alert_rules(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('desktop', 'webhook', 'email')),
  target TEXT,                                -- webhook URL, or e-mail addresses separated by commas
  secret TEXT                                 -- webhook signing secret, encrypted by the SecretVault
);
CREATE INDEX alert_channels_rule ON alert_channels(rule_id, position);

-- One row per (rule, event), written in the transaction that stored the row that fired it: a crash can
-- neither keep the row and lose its alert nor the reverse, and the unique key keeps it from doubling.
CREATE TABLE alert_events (
  id INTEGER PRIMARY KEY,
  rule_id TEXT NOT NULL,
  event_key TEXT NOT NULL,                    -- change:<changes.id>, error-new:<instance>:<fingerprint>, …
  instance_id TEXT NOT NULL,
  at INTEGER NOT NULL,                        -- when it happened, Unix seconds
  queued_at INTEGER NOT NULL,
  detail TEXT NOT NULL,                       -- JSON AlertEvent as the message will tell it
  message_id INTEGER                          -- the grouped message it went out in; NULL while waiting
);
CREATE UNIQUE INDEX alert_events_key ON alert_events(rule_id, event_key);
CREATE INDEX alert_events_waiting ON alert_events(rule_id, id) WHERE message_id IS NULL;
CREATE INDEX alert_events_message ON alert_events(message_id);

CREATE TABLE alert_messages (
  id INTEGER PRIMARY KEY,
  rule_id TEXT NOT NULL,
  idempotency_key TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  events INTEGER NOT NULL
);
CREATE INDEX alert_messages_rule ON alert_messages(rule_id, created_at);

-- The outbox and the delivery log: one row per message and channel, claimed with a lease by the process
-- that sends it, so two processes sharing the mirror never send the same one twice at once.
CREATE TABLE alert_deliveries (
  id INTEGER PRIMARY KEY,
  message_id INTEGER NOT NULL REFERENCES alert_messages(id) ON DELETE CASCADE,
  rule_id TEXT NOT NULL,
  channel_id INTEGER NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('desktop', 'webhook', 'email')),
  target TEXT,
  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  lease_until INTEGER,
  last_error TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  sent_at INTEGER
);
CREATE INDEX alert_deliveries_due ON alert_deliveries(next_attempt_at) WHERE state = 'pending';
CREATE INDEX alert_deliveries_rule ON alert_deliveries(rule_id, id DESC);
`,
  },
  {
    version: 10,
    description: "our addon's protocol 2: the log's token (a new one means the log was recreated) and the tombstone cursor",
    sql: `
ALTER TABLE sync_state ADD COLUMN log_token TEXT;                                  -- sync_state().log when last seen
ALTER TABLE sync_state ADD COLUMN tombstone_cursor INTEGER NOT NULL DEFAULT 0;     -- highest tombstone id applied
`,
  },
];
