from lxml import etree

from odoo.exceptions import UserError
from odoo.tests.common import tagged

from .common import AutoWebhookCase


@tagged("post_install", "-at_install")
class TestViews(AutoWebhookCase):
    """What people see: row names, the open-record button, grouping, the error list."""

    def test_rows_have_a_display_name(self):
        partner = self.Partner.create({"name": "Named"})
        partner.write({"name": "Renamed"})
        row = self.rows("res.partner", partner.ids, "write")
        label = self.env["ir.model"].search([("model", "=", "res.partner")]).name
        self.assertEqual(row.display_name, "%s #%d · write" % (label, partner.id))
        error = self.Errors.create({"model": "res.partner", "record_id": partner.id, "event": "create",
                                    "error_message": "boom"})
        self.assertEqual(error.display_name, "%s #%d · create" % (label, partner.id))
        ghost = self.Errors.create({"model": "x_not_installed", "record_id": 3, "error_message": "boom"})
        self.assertEqual(ghost.display_name, "x_not_installed #3")

    def test_open_record_button(self):
        partner = self.Partner.create({"name": "Openable"})
        row = self.rows("res.partner", partner.ids, "create")
        self.assertTrue(row.record_exists)
        action = row.action_open_record()
        self.assertEqual((action["res_model"], action["res_id"], action["type"]),
                         ("res.partner", partner.id, "ir.actions.act_window"))
        partner.unlink()
        row.invalidate_recordset(["record_exists"])
        self.assertFalse(row.record_exists)
        with self.assertRaisesRegex(UserError, "no longer exists"):
            row.action_open_record()
        arch = etree.fromstring(self.env.ref("auto_webhook.update_webhook_view_list").arch)
        self.assertTrue(arch.xpath("//button[@name='action_open_record'][@invisible='not record_exists']"))

    def test_record_id_is_never_summed(self):
        for model in (self.Log, self.Errors):
            self.assertFalse(model._fields["record_id"].aggregator, model._name)
            # read_group is deprecated in 19: the web client groups with formatted_read_group
            for group in model.formatted_read_group([], ["model"], ["__count"]):
                self.assertNotIn("record_id:sum", group)

    def test_error_list_gives_the_model_column_room(self):
        arch = etree.fromstring(self.env.ref("auto_webhook.webhook_errors_view_list").arch)
        self.assertTrue(arch.xpath("//field[@name='model'][@width]"))
