"""Upgrade to 18.0.3.0.0 (from the original module or from 18.0.2): drop what costs and serves nothing.

- The original module indexed ``model``, ``record_id`` and ``event`` one column
  each (``update_webhook__model_index``, ``update_webhook__record_id_index``,
  ``update_webhook__event_index``). Every logged row maintained them while
  the unique (model, record_id, event) index already serves those lookups.
  Any non-unique single-column index on one of these columns is dropped,
  whatever its name.
- The original ``webhook.cleanup.cron`` was a regular model with a table
  (``webhook_cleanup_cron``); it is an abstract model now, so the table is
  dropped if it exists.

Each action is written to the server log.
"""

import logging

_logger = logging.getLogger(__name__)

REDUNDANT_COLUMNS = ("model", "record_id", "event")

REDUNDANT_INDEXES_SQL = """
SELECT index_class.relname
  FROM pg_index ind
  JOIN pg_class index_class ON index_class.oid = ind.indexrelid
  JOIN pg_class table_class ON table_class.oid = ind.indrelid
  JOIN pg_attribute att ON att.attrelid = ind.indrelid AND att.attnum = ind.indkey[0]
 WHERE table_class.relname = 'update_webhook'
   AND NOT ind.indisunique
   AND NOT ind.indisprimary
   AND ind.indnatts = 1
   AND ind.indpred IS NULL
   AND att.attname = ANY(%s)
   AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = ind.indexrelid)
 ORDER BY index_class.relname
"""


def quoted(name):
    return '"%s"' % name.replace('"', '""')


def drop_redundant_indexes(cr):
    """Drop the original module's single-column indexes; return their names."""
    cr.execute(REDUNDANT_INDEXES_SQL, [list(REDUNDANT_COLUMNS)])
    names = [row[0] for row in cr.fetchall()]
    for name in names:
        _logger.info("auto_webhook: dropping index %s (the unique (model, record_id, event) index covers it)", name)
        cr.execute("DROP INDEX IF EXISTS %s" % quoted(name))
    if not names:
        _logger.info("auto_webhook: no single-column index on update_webhook.model/record_id/event to drop")
    return names


def drop_cleanup_table(cr):
    """Drop the table of the original webhook.cleanup.cron model if it exists; return whether it did."""
    cr.execute("SELECT 1 FROM pg_class WHERE relname = 'webhook_cleanup_cron' AND relkind = 'r'")
    if not cr.fetchone():
        _logger.info("auto_webhook: no webhook_cleanup_cron table to drop")
        return False
    _logger.info("auto_webhook: dropping table webhook_cleanup_cron (webhook.cleanup.cron has no table any more)")
    try:
        with cr.savepoint(flush=False):
            cr.execute("DROP TABLE webhook_cleanup_cron")
    except Exception as error:  # noqa: BLE001 - never fail the upgrade for an unused table
        _logger.warning("auto_webhook: could not drop webhook_cleanup_cron (%s); it is unused and can be dropped by hand",
                        error)
        return False
    return True


def migrate(cr, version):
    if not version:
        return  # fresh install: nothing of the original module exists
    drop_redundant_indexes(cr)
    drop_cleanup_table(cr)
