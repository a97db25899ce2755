from odoo.exceptions import AccessError
from odoo.tests.common import new_test_user, tagged

from .common import AutoWebhookCase


@tagged("post_install", "-at_install")
class TestAccess(AutoWebhookCase):
    """Point 2 and 6: who reads the change log and the error log."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.reader = new_test_user(
            cls.env, login="auto_webhook_reader", groups="auto_webhook.group_change_log_reader"
        )
        cls.internal = new_test_user(cls.env, login="auto_webhook_plain", groups="base.group_user")
        cls.admin = new_test_user(cls.env, login="auto_webhook_admin", groups="base.group_system")
        cls.error = cls.env["webhook.errors"].create({
            "model": "res.partner", "record_id": 1, "event": "write", "error_message": "boom",
        })

    def test_reader_group_reads_the_error_log(self):
        rows = self.Errors.with_user(self.reader).search_read([("id", "=", self.error.id)], ["error_message"])
        self.assertEqual(rows, [{"id": self.error.id, "error_message": "boom"}])
        errors = self.Errors.with_user(self.reader)
        for operation in ("create", "write", "unlink"):
            self.assertFalse(errors.has_access(operation), operation)

    def test_administrators_read_the_error_log(self):
        self.assertTrue(self.admin.has_group("auto_webhook.group_change_log_reader"), "implied by Settings")
        errors = self.Errors.with_user(self.admin)
        self.assertEqual(errors.search([("id", "=", self.error.id)]), self.error)
        self.assertTrue(errors.has_access("unlink"))

    def test_other_users_do_not_read_the_error_log(self):
        with self.assertRaises(AccessError):
            self.Errors.with_user(self.internal).search([])

    def test_internal_users_read_and_delete_change_log_rows_only(self):
        log = self.Log.with_user(self.internal)
        self.assertTrue(log.has_access("read"))
        self.assertTrue(log.has_access("unlink"))
        self.assertFalse(log.has_access("create"))
        self.assertFalse(log.has_access("write"))
        partner = self.Partner.create({"name": "Consumed"})
        row = self.rows("res.partner", partner.ids, "create").with_user(self.internal)
        row.unlink()
        self.assertFalse(row.exists())

    def test_changes_by_any_user_are_logged_without_log_rights(self):
        # the log rows are written by SQL: a user without create right on the log still logs
        user = new_test_user(
            self.env, login="auto_webhook_partner_manager",
            groups="base.group_user,base.group_partner_manager",
        )
        partner = self.Partner.with_user(user).create({"name": "Logged anyway"})
        self.assertEqual(self.rows("res.partner", partner.ids, "create").user_id, user)
