from odoo import Command, fields, models

from . import tracking
from .webhook_cleanup_cron import (
    BATCH_SIZE_PARAM, DEFAULT_BATCH_SIZE, DEFAULT_TOMBSTONE_DAYS, RETENTION_DAYS_PARAM, TOMBSTONE_DAYS_PARAM,
)


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    auto_webhook_model_ids = fields.Many2many(
        "ir.model",
        relation="auto_webhook_settings_model_rel",
        column1="settings_id",
        column2="model_id",
        string="Tracked Models",
        domain=[("transient", "=", False), ("model", "not in", sorted(tracking.UNTRACKABLE_MODELS))],
        help="Creates, writes and deletions of these models are logged in Webhook Updates.",
    )
    auto_webhook_no_values_model_ids = fields.Many2many(
        "ir.model",
        relation="auto_webhook_settings_no_values_rel",
        column1="settings_id",
        column2="model_id",
        string="Models Without Values",
        domain=[("transient", "=", False), ("model", "not in", sorted(tracking.UNTRACKABLE_MODELS))],
        help="Writes of these models log the changed field names only, not their old and new values.",
    )
    auto_webhook_tombstone_days = fields.Integer(
        string="Keep Deletion Records (days)",
        config_parameter=TOMBSTONE_DAYS_PARAM,
        default=DEFAULT_TOMBSTONE_DAYS,
        help="The daily cleanup forgets the ids of deleted change-log rows after this many days. 0 keeps them.",
    )
    auto_webhook_retention_days = fields.Integer(
        string="Keep Change-Log Rows (days)",
        config_parameter=RETENTION_DAYS_PARAM,
        default=0,
        help="The daily cleanup deletes rows older than this many days. 0 keeps them until consumed.",
    )
    auto_webhook_cleanup_batch_size = fields.Integer(
        string="Cleanup Batch Size",
        config_parameter=BATCH_SIZE_PARAM,
        default=DEFAULT_BATCH_SIZE,
        help="Records checked per existence query by the cleanup.",
    )

    def get_values(self):
        values = super().get_values()
        log = self.env["update.webhook"]
        values["auto_webhook_model_ids"] = [Command.set(self._installed(log._get_tracked_model_names()).ids)]
        values["auto_webhook_no_values_model_ids"] = [
            Command.set(self._installed(log._get_models_without_values()).ids)
        ]
        return values

    def set_values(self):
        super().set_values()
        # models configured but not installed stay configured: they are
        # tracked (or kept without values) as soon as their module is installed
        log = self.env["update.webhook"]
        log._set_models_without_values(
            self.auto_webhook_no_values_model_ids.mapped("model") + self._not_installed(log._get_models_without_values())
        )
        log._set_tracked_model_names(
            self.auto_webhook_model_ids.mapped("model") + self._not_installed(log._get_tracked_model_names())
        )

    def _installed(self, names):
        """The ir.model records of the installed models among ``names``."""
        return self.env["ir.model"].sudo().search([("model", "in", names)])

    def _not_installed(self, names):
        installed = set(self._installed(names).mapped("model"))
        return [name for name in names if name not in installed]
