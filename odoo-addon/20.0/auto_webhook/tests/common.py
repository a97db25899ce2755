import datetime
import json

from odoo import fields
from odoo.tests.common import TransactionCase

from ..models import pending, tracking


class AutoWebhookCase(TransactionCase):
    """Base of the addon's tests: res.partner is tracked (with values) whatever the database's setting.

    The patches live on the registry classes, which a test rollback does not
    restore, so every test puts back the tracking of the configured models.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Log = cls.env["update.webhook"]
        cls.Errors = cls.env["webhook.errors"]
        cls.Cleanup = cls.env["webhook.cleanup.cron"]
        cls.Partner = cls.env["res.partner"]

    def setUp(self):
        super().setUp()
        configured = self.Log._get_tracked_model_names()
        without_values = self.Log._get_models_without_values()
        if "res.partner" not in configured:
            # settings changed by a test re-apply the stored list: it must hold res.partner
            # (the parameter change is rolled back with the test)
            self.env["ir.config_parameter"].sudo().set_param(
                tracking.TRACKED_MODELS_PARAM, tracking.format_model_names(configured + ["res.partner"])
            )
        # res.partner is tracked with values, whatever the database's settings
        tracking.apply_tracking(
            self.registry, configured + ["res.partner"], [name for name in without_values if name != "res.partner"]
        )
        self.addCleanup(tracking.apply_tracking, self.registry, configured, without_values)
        # rows left pending by a test must not reach the next one
        self.addCleanup(self.env.cr.precommit.data.pop, pending.PENDING_KEY, None)

    def flush_log(self):
        """Write the transaction's pending log rows, as the commit would (runs the precommit hooks)."""
        self.env.cr.flush()

    def rows(self, model_name, record_ids, event=None):
        """Change-log rows of ``record_ids`` of ``model_name`` (optionally one event), pending ones written first."""
        self.flush_log()
        domain = [("model", "=", model_name), ("record_id", "in", list(record_ids))]
        if event:
            domain.append(("event", "=", event))
        return self.Log.search(domain)

    def backdate(self, rows, days):
        """Move ``rows`` ``days`` into the past; return the new timestamp."""
        moment = fields.Datetime.now() - datetime.timedelta(days=days)
        self.env.cr.execute(
            "UPDATE update_webhook SET timestamp = %s WHERE id = ANY(%s)", [moment, rows.ids]
        )
        rows.invalidate_recordset()
        return moment

    def changed_values(self, model_name, record_id):
        """The decoded changed_values of the write row of one record (pending rows written first)."""
        row = self.rows(model_name, [record_id], "write")
        self.assertEqual(len(row), 1)
        return json.loads(row.changed_values) if row.changed_values else False

    def unused_id(self, model_name):
        """An id no record of ``model_name`` has (nor will have in this test)."""
        table = self.env[model_name]._table
        self.env.cr.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')
        return self.env.cr.fetchone()[0] + 100000
