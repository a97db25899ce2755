import datetime
import logging

from odoo import api, fields, models

from . import tracking

_logger = logging.getLogger(__name__)

EVENTS = [("create", "Create"), ("write", "Write"), ("unlink", "Unlink")]

# PostgreSQL error codes of concurrency conflicts (lock not available,
# serialization failure, deadlock). They are not logging failures: Odoo retries
# the whole request on them, so they must reach it instead of being swallowed.
CONCURRENCY_ERROR_CODES = frozenset({"55P03", "40001", "40P01"})

# One statement per operation batch, whatever the number of records. A repeated
# event refreshes the row (timestamp, counter, user) instead of being dropped;
# changed_fields accumulates the names written since the row was created.
LOG_SQL = """
INSERT INTO update_webhook
    (model, record_id, event, timestamp, change_count, user_id, changed_fields,
     create_uid, create_date, write_uid, write_date)
SELECT %(model)s, record_id, %(event)s, %(now)s, 1, %(uid)s, %(fields)s,
       %(uid)s, %(now)s, %(uid)s, %(now)s
  FROM unnest(%(ids)s::int[]) AS record_id
ON CONFLICT (model, record_id, event) DO UPDATE SET
    timestamp = EXCLUDED.timestamp,
    change_count = update_webhook.change_count + 1,
    user_id = EXCLUDED.user_id,
    changed_fields = NULLIF(array_to_string(ARRAY(
        SELECT DISTINCT name
          FROM unnest(string_to_array(COALESCE(update_webhook.changed_fields, ''), ',')
                      || string_to_array(COALESCE(EXCLUDED.changed_fields, ''), ',')) AS name
         WHERE name <> ''
         ORDER BY name), ','), ''),
    write_uid = EXCLUDED.write_uid,
    write_date = EXCLUDED.write_date
"""

# Columns the statement above may change on rows the ORM has in its cache.
REFRESHED_FIELDS = ["timestamp", "change_count", "user_id", "changed_fields", "write_uid", "write_date"]


class UpdateWebhook(models.Model):
    _name = "update.webhook"
    _description = "Webhook Update"
    _order = "timestamp desc"

    model = fields.Char(string="Model", required=True)
    record_id = fields.Integer(string="Record ID", required=True)
    event = fields.Selection(EVENTS, string="Event", required=True)
    timestamp = fields.Datetime(
        string="Timestamp", required=True, readonly=True, index=True, default=fields.Datetime.now
    )
    change_count = fields.Integer(
        string="Change Count", default=1, readonly=True,
        help="How many times this event happened to the record since the row was created.",
    )
    user_id = fields.Many2one(
        "res.users", string="User", ondelete="set null", readonly=True,
        help="The user who made the latest change.",
    )
    changed_fields = fields.Char(
        string="Changed Fields", readonly=True,
        help="Comma-separated names of the fields written since the row was created (writes only).",
    )

    _sql_constraints = [
        (
            "unique_model_record_event",
            "unique(model, record_id, event)",
            "There is already a change-log row for this record and event.",
        ),
    ]

    # ------------------------------------------------------------------
    # Registry hooks: patch the tracked models
    # ------------------------------------------------------------------

    def _register_hook(self):
        super()._register_hook()
        tracked = tracking.apply_tracking(self.env.registry, self._get_tracked_model_names())
        _logger.info("auto_webhook: tracking %s", ", ".join(tracked) or "no model")

    def _unregister_hook(self):
        tracking.remove_tracking(self.env.registry)
        super()._unregister_hook()

    @api.model
    def _get_tracked_model_names(self):
        """Return the configured model names (installed or not)."""
        value = self.env["ir.config_parameter"].sudo().get_param(tracking.TRACKED_MODELS_PARAM)
        return tracking.parse_model_names(value)

    @api.model
    def _set_tracked_model_names(self, names):
        """Store the tracked models, patch this process, and signal the other workers.

        Returns True when the configuration changed.
        """
        value = tracking.format_model_names(names)
        parameters = self.env["ir.config_parameter"].sudo()
        if parameters.get_param(tracking.TRACKED_MODELS_PARAM) == value:
            return False
        parameters.set_param(tracking.TRACKED_MODELS_PARAM, value)
        tracked = tracking.apply_tracking(self.env.registry, tracking.parse_model_names(value))
        _logger.info("auto_webhook: settings changed, now tracking %s", ", ".join(tracked) or "no model")
        # at the end of the request the other workers are told to reload the
        # registry, which runs _register_hook with the new value there; if the
        # transaction fails, Odoo resets this registry from the committed value
        self.env.registry.registry_invalidated = True
        return True

    # ------------------------------------------------------------------
    # Logging
    # ------------------------------------------------------------------

    @api.model
    def _log_changes(self, model_name, record_ids, event, changed_fields=None):
        """Log ``event`` for every id in ``record_ids`` of ``model_name``.

        Runs one SQL statement inside a savepoint: a failure is rolled back to
        the savepoint, written to webhook.errors and to the server log, and the
        business transaction goes on. Concurrency conflicts are re-raised so
        Odoo retries the whole request (see CONCURRENCY_ERROR_CODES).
        """
        record_ids = sorted(set(record_ids))  # sorted: rows are locked in one order
        if not record_ids:
            return
        try:
            with self.env.cr.savepoint(flush=False):
                self._insert_log_rows(model_name, record_ids, event, changed_fields)
        except Exception as error:
            if getattr(error, "pgcode", None) in CONCURRENCY_ERROR_CODES:
                raise
            _logger.exception(
                "auto_webhook: could not log %s of %s records %s", event, model_name, record_ids[:20]
            )
            self.env["webhook.errors"]._record_failure(model_name, record_ids, event, error)
        else:
            self.invalidate_model(REFRESHED_FIELDS)

    @api.model
    def _insert_log_rows(self, model_name, record_ids, event, changed_fields=None):
        """Insert or refresh the log rows: the single SQL statement of a logged operation."""
        now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
        self.env.cr.execute(LOG_SQL, {
            "model": model_name,
            "event": event,
            "ids": list(record_ids),
            "now": now,
            "uid": self.env.uid,
            "fields": ",".join(changed_fields) if changed_fields else None,
        })
