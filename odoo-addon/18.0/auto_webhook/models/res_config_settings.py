from odoo import Command, fields, models

from . import tracking
from .webhook_cleanup_cron import BATCH_SIZE_PARAM, DEFAULT_BATCH_SIZE, RETENTION_DAYS_PARAM


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
        names = self.env["update.webhook"]._get_tracked_model_names()
        models_ = self.env["ir.model"].sudo().search([("model", "in", names)])
        values["auto_webhook_model_ids"] = [Command.set(models_.ids)]
        return values

    def set_values(self):
        super().set_values()
        # models configured but not installed stay configured: they are
        # tracked as soon as their module is installed
        configured = self.env["update.webhook"]._get_tracked_model_names()
        installed = set(self.env["ir.model"].sudo().search([("model", "in", configured)]).mapped("model"))
        kept = [name for name in configured if name not in installed]
        chosen = self.auto_webhook_model_ids.mapped("model")
        self.env["update.webhook"]._set_tracked_model_names(chosen + kept)
