import datetime

from odoo import fields
from odoo.tests.common import TransactionCase

from ..models import tracking


class AutoWebhookCase(TransactionCase):
    """Base of the addon's tests: res.partner is tracked whatever the database's setting.

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
        tracking.apply_tracking(self.registry, configured + ["res.partner"])
        self.addCleanup(tracking.apply_tracking, self.registry, configured)

    def rows(self, model_name, record_ids, event=None):
        """Change-log rows of ``record_ids`` of ``model_name`` (optionally one event)."""
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

    def unused_id(self, model_name):
        """An id no record of ``model_name`` has (nor will have in this test)."""
        table = self.env[model_name]._table
        self.env.cr.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')
        return self.env.cr.fetchone()[0] + 100000
