"""Upgrade from the original module (1.0.0): keep a single unique constraint.

The original module declared unique(model, record_id, event) under a name of
its own. This version declares the same constraint as
``update_webhook_unique_model_record_event``; when the names differ both would
stay and every logged change would maintain two identical indexes. The older
duplicate is dropped here; the constraint itself (and so ON CONFLICT) is kept.
"""

import logging

_logger = logging.getLogger(__name__)

KEPT_CONSTRAINT = "update_webhook_unique_model_record_event"

DUPLICATES_SQL = """
SELECT con.conname
  FROM pg_constraint con
  JOIN pg_class rel ON rel.oid = con.conrelid
 WHERE rel.relname = 'update_webhook'
   AND con.contype = 'u'
   AND con.conname <> %s
   AND (SELECT array_agg(att.attname::text ORDER BY att.attname)
          FROM pg_attribute att
         WHERE att.attrelid = con.conrelid AND att.attnum = ANY(con.conkey))
       = ARRAY['event', 'model', 'record_id']
"""


def migrate(cr, version):
    cr.execute(
        "SELECT 1 FROM pg_constraint WHERE conname = %s", [KEPT_CONSTRAINT]
    )
    if not cr.fetchone():
        return  # ours is missing: keep whatever enforces uniqueness
    cr.execute(DUPLICATES_SQL, [KEPT_CONSTRAINT])
    for (name,) in cr.fetchall():
        _logger.info("auto_webhook: dropping duplicate unique constraint %s", name)
        cr.execute('ALTER TABLE update_webhook DROP CONSTRAINT "%s"' % name.replace('"', '""'))
        cr.execute(
            "DELETE FROM ir_model_constraint WHERE name = %s AND type = 'u'"
            " AND model = (SELECT id FROM ir_model WHERE model = 'update.webhook')",
            [name],
        )
