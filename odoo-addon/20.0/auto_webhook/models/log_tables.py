"""The SQL objects that live beside the change log: tombstones and the log token.

Created by ``update.webhook.init()`` (install and every upgrade) and dropped by
the module's uninstall hook. Plain SQL on purpose: the deletion trigger must
see every deletion, whatever path it takes (ORM, consumers, the cleanup, raw
SQL), and the token must change exactly when the log table is recreated.
"""

import logging
import secrets

_logger = logging.getLogger(__name__)

TOMBSTONE_TABLE = "update_webhook_tombstone"
STATE_TABLE = "update_webhook_log_state"
TOMBSTONE_FUNCTION = "update_webhook_record_tombstones"
TOKEN_FUNCTION = "update_webhook_renew_log_token"
DELETE_TRIGGER = "update_webhook_tombstones"
TRUNCATE_TRIGGER = "update_webhook_truncated"

CREATE_TABLES_SQL = """
CREATE TABLE IF NOT EXISTS update_webhook_tombstone (
    id serial PRIMARY KEY,
    row_id integer NOT NULL,
    deleted_at timestamp without time zone NOT NULL DEFAULT (now() AT TIME ZONE 'UTC')
);
CREATE INDEX IF NOT EXISTS update_webhook_tombstone_deleted_at_index
    ON update_webhook_tombstone (deleted_at);
CREATE TABLE IF NOT EXISTS update_webhook_log_state (
    token varchar NOT NULL,
    table_oid oid NOT NULL,
    created_at timestamp without time zone NOT NULL DEFAULT (now() AT TIME ZONE 'UTC')
);
"""

# Statement-level: one INSERT ... SELECT per DELETE statement, whatever its size.
CREATE_FUNCTIONS_SQL = """
CREATE OR REPLACE FUNCTION update_webhook_record_tombstones() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO update_webhook_tombstone (row_id)
    SELECT id FROM auto_webhook_deleted_rows ORDER BY id;
    RETURN NULL;
END
$$;
CREATE OR REPLACE FUNCTION update_webhook_renew_log_token() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- a truncated log is a reset: a new token, and the old tombstones no longer apply
    UPDATE update_webhook_log_state
       SET token = md5(random()::text || clock_timestamp()::text),
           created_at = now() AT TIME ZONE 'UTC';
    DELETE FROM update_webhook_tombstone;
    RETURN NULL;
END
$$;
"""

CREATE_DELETE_TRIGGER_SQL = """
CREATE TRIGGER update_webhook_tombstones
    AFTER DELETE ON update_webhook
    REFERENCING OLD TABLE AS auto_webhook_deleted_rows
    FOR EACH STATEMENT EXECUTE FUNCTION update_webhook_record_tombstones()
"""

CREATE_TRUNCATE_TRIGGER_SQL = """
CREATE TRIGGER update_webhook_truncated
    AFTER TRUNCATE ON update_webhook
    FOR EACH STATEMENT EXECUTE FUNCTION update_webhook_renew_log_token()
"""

DROP_SQL = """
DROP TABLE IF EXISTS update_webhook_tombstone;
DROP TABLE IF EXISTS update_webhook_log_state;
DROP FUNCTION IF EXISTS update_webhook_record_tombstones() CASCADE;
DROP FUNCTION IF EXISTS update_webhook_renew_log_token() CASCADE;
"""


def ensure(cr):
    """Create what is missing; give the log a new token if its table was recreated."""
    cr.execute(CREATE_TABLES_SQL)
    cr.execute(CREATE_FUNCTIONS_SQL)
    cr.execute(
        "SELECT tgname FROM pg_trigger WHERE tgrelid = 'update_webhook'::regclass AND tgname = ANY(%s)",
        [[DELETE_TRIGGER, TRUNCATE_TRIGGER]],
    )
    present = {row[0] for row in cr.fetchall()}
    if DELETE_TRIGGER not in present:
        cr.execute(CREATE_DELETE_TRIGGER_SQL)
    if TRUNCATE_TRIGGER not in present:
        cr.execute(CREATE_TRUNCATE_TRIGGER_SQL)
    cr.execute("SELECT 'update_webhook'::regclass::oid")
    table_oid = cr.fetchone()[0]
    cr.execute("SELECT table_oid FROM update_webhook_log_state")
    stored = [row[0] for row in cr.fetchall()]
    if stored == [table_oid]:
        return
    # first install, or the log table is not the one the token was made for
    cr.execute("DELETE FROM update_webhook_log_state")
    if stored:
        cr.execute("DELETE FROM update_webhook_tombstone")
    cr.execute(
        "INSERT INTO update_webhook_log_state (token, table_oid) VALUES (%s, %s)",
        [secrets.token_hex(16), table_oid],
    )
    _logger.info("auto_webhook: new change-log token (%s)", "log table recreated" if stored else "first install")


def drop(cr):
    """Remove the tables, functions and triggers (the uninstall hook)."""
    cr.execute(DROP_SQL)
