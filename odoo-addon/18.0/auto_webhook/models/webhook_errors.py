import logging

from odoo import api, fields, models

from .update_webhook import EVENTS, row_names

_logger = logging.getLogger(__name__)

# Ids listed in one error message; the rows themselves carry every id.
MESSAGE_ID_LIMIT = 50


class WebhookErrors(models.Model):
    _name = "webhook.errors"
    _description = "Log errors occurring in webhook tracking"
    _order = "timestamp desc, id desc"

    _rec_name = "model"

    model = fields.Char(string="Model")
    record_id = fields.Integer(string="Record ID", aggregator=False)
    event = fields.Selection(EVENTS, string="Event")
    error_message = fields.Text(string="Error Message")
    timestamp = fields.Datetime(string="Timestamp", default=fields.Datetime.now)

    @api.depends("model", "record_id", "event")
    def _compute_display_name(self):
        names = row_names(self.env, self)
        for row in self:
            row.display_name = names[row.id]

    @api.model
    def _record_failure(self, model_name, record_ids, event, error):
        """Write one error row per record whose change could not be logged.

        Runs in its own savepoint: if even this fails (the database is in
        trouble), the failure goes to the server log only and the business
        transaction still goes on.
        """
        message = "%s: %s\n(%s of %d %s record(s): %s)" % (
            type(error).__name__,
            str(error).strip() or repr(error),
            event,
            len(record_ids),
            model_name,
            ", ".join(str(record_id) for record_id in record_ids[:MESSAGE_ID_LIMIT])
            + (", ..." if len(record_ids) > MESSAGE_ID_LIMIT else ""),
        )
        errors = self.sudo()
        try:
            with self.env.cr.savepoint(flush=False):
                errors.create([
                    {"model": model_name, "record_id": record_id, "event": event, "error_message": message}
                    for record_id in record_ids
                ])
                errors.flush_model()
        except Exception:
            errors.invalidate_model()
            _logger.exception("auto_webhook: could not record the logging failure in webhook.errors")
