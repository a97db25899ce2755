import logging

from odoo import api, models

_logger = logging.getLogger(__name__)

RETENTION_DAYS_PARAM = "auto_webhook.retention_days"
BATCH_SIZE_PARAM = "auto_webhook.cleanup_batch_size"
DEFAULT_BATCH_SIZE = 1000
TOMBSTONE_DAYS_PARAM = "auto_webhook.tombstone_days"
DEFAULT_TOMBSTONE_DAYS = 30

# Next batch of distinct record ids of one model, keyset-paged; unlink rows are
# kept (their record is gone by definition), so they are never candidates.
CANDIDATES_SQL = """
SELECT DISTINCT record_id FROM update_webhook
 WHERE model = %s AND event <> 'unlink' AND record_id > %s
 ORDER BY record_id
 LIMIT %s
"""

DELETE_ORPHANS_SQL = """
DELETE FROM update_webhook
 WHERE model = %s AND event <> 'unlink' AND record_id = ANY(%s::int[])
"""

# Retention deletes in batches too, so one run never holds a huge delete.
DELETE_EXPIRED_SQL = """
DELETE FROM {table} WHERE id IN (
    SELECT id FROM {table}
     WHERE timestamp < (now() AT TIME ZONE 'UTC') - make_interval(days => %s)
     ORDER BY id
     LIMIT %s)
"""


# Tombstones older than N days go; the newest one always stays, so that
# sync_state's tombstone_id/tombstone_floor still tell a caller it missed some.
DELETE_TOMBSTONES_SQL = """
DELETE FROM update_webhook_tombstone
 WHERE deleted_at < (now() AT TIME ZONE 'UTC') - make_interval(days => %s)
   AND id < (SELECT max(id) FROM update_webhook_tombstone)
"""


class WebhookCleanupCron(models.AbstractModel):
    _name = "webhook.cleanup.cron"
    _description = "Webhook change-log cleanup"

    @api.model
    def clean_webhook_records(self):
        """Remove orphaned change-log rows, then rows past the retention period, then old tombstones.

        A row is orphaned when its record no longer exists (archived records
        still exist). ``unlink`` rows are kept. Tombstones (ids of deleted
        rows, see docs/addon-protocol.md) older than the tombstone setting are
        dropped. Runs from the scheduled action and over RPC for any user
        allowed to delete change-log rows.

        :return: the number of rows removed (an int, so XML-RPC can return it)
        """
        self.env["update.webhook"].browse().check_access("unlink")
        self.env["update.webhook"]._flush_transaction_rows()
        batch_size = self._get_int_param(BATCH_SIZE_PARAM, DEFAULT_BATCH_SIZE) or DEFAULT_BATCH_SIZE
        removed = self._remove_orphans(batch_size)
        retention_days = self._get_int_param(RETENTION_DAYS_PARAM, 0)
        if retention_days > 0:
            removed += self._remove_expired("update_webhook", retention_days, batch_size)
            self._remove_expired("webhook_errors", retention_days, batch_size)
            self.env["webhook.errors"].invalidate_model()
        tombstone_days = self._get_int_param(TOMBSTONE_DAYS_PARAM, DEFAULT_TOMBSTONE_DAYS)
        if tombstone_days > 0:
            self.env.cr.execute(DELETE_TOMBSTONES_SQL, [tombstone_days])
        self.env["update.webhook"].invalidate_model()
        _logger.info("auto_webhook: cleanup removed %d change-log row(s)", removed)
        return removed

    @api.model
    def _get_int_param(self, key, default):
        value = self.env["ir.config_parameter"].sudo().get_param(key)
        try:
            return max(int(value), 0) if value not in (None, False, "") else default
        except ValueError:
            _logger.warning("auto_webhook: parameter %s is not a number: %r", key, value)
            return default

    @api.model
    def _remove_orphans(self, batch_size):
        cr = self.env.cr
        self.env["update.webhook"].flush_model()
        cr.execute("SELECT DISTINCT model FROM update_webhook WHERE event <> 'unlink'")
        model_names = [row[0] for row in cr.fetchall()]
        removed = 0
        for model_name in model_names:
            last_id = 0
            while True:
                cr.execute(CANDIDATES_SQL, (model_name, last_id, batch_size))
                batch = [row[0] for row in cr.fetchall()]
                if not batch:
                    break
                missing = set(batch) - self._existing_ids(model_name, batch)
                if missing:
                    cr.execute(DELETE_ORPHANS_SQL, (model_name, sorted(missing)))
                    removed += cr.rowcount
                last_id = batch[-1]
                if len(batch) < batch_size:
                    break
        return removed

    @api.model
    def _existing_ids(self, model_name, record_ids):
        """Return the ids among ``record_ids`` whose record exists: one query.

        A model that is not installed (or has no table) has no records left.
        """
        if model_name not in self.env:
            return set()
        Model = self.env[model_name]
        if Model._abstract:
            return set()
        records = Model.sudo().with_context(active_test=False).search([("id", "in", record_ids)])
        return set(records.ids)

    @api.model
    def _remove_expired(self, table, retention_days, batch_size):
        cr = self.env.cr
        query = DELETE_EXPIRED_SQL.format(table=table)  # table: one of two constants
        removed = 0
        while True:
            cr.execute(query, (retention_days, batch_size))
            removed += cr.rowcount
            if cr.rowcount < batch_size:
                return removed
