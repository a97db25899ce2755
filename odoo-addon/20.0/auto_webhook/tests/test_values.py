import json
from types import SimpleNamespace

from odoo.tests.common import tagged

from ..models import pending, values
from .common import AutoWebhookCase


def stand_in_field(name, field_type="char", store=True, groups=None, password=False):
    """An object with the attributes plan_field reads, for field shapes base does not have."""
    return SimpleNamespace(name=name, type=field_type, store=store, groups=groups, password=password)


@tagged("post_install", "-at_install")
class TestChangedValues(AutoWebhookCase):
    """Old -> new values of written fields (docs/addon-protocol.md, "The value format")."""

    def test_char_and_integer_values(self):
        partner = self.Partner.create({"name": "Old name", "color": 1})
        partner.write({"name": "New name", "color": 4})
        changed = self.changed_values("res.partner", partner.id)
        self.assertEqual(changed["name"]["old"], "Old name")
        self.assertEqual(changed["name"]["new"], "New name")
        self.assertEqual(changed["name"]["type"], "char")
        self.assertTrue(changed["name"]["label"])
        self.assertEqual((changed["color"]["old"], changed["color"]["new"]), (1, 4))

    def test_empty_values_are_false(self):
        partner = self.Partner.create({"name": "No phone"})
        partner.write({"phone": "+1 555 0102"})
        self.assertEqual(self.changed_values("res.partner", partner.id)["phone"], {
            "label": values.field_label(partner._fields["phone"], self.env), "type": "char",
            "old": False, "new": "+1 555 0102",
        })

    def test_many2one_selection_and_boolean(self):
        company = self.Partner.create({"name": "Azure Interior", "is_company": True})
        other = self.Partner.create({"name": "Deco Addict", "is_company": True})
        partner = self.Partner.create({"name": "Employee", "parent_id": company.id, "type": "contact"})
        partner.write({"parent_id": other.id, "type": "invoice", "active": False})
        changed = self.changed_values("res.partner", partner.id)
        self.assertEqual(changed["parent_id"]["old"], [company.id, company.display_name])
        self.assertEqual(changed["parent_id"]["new"], [other.id, other.display_name])
        labels = dict(self.Partner._fields["type"]._description_selection(self.env))
        self.assertEqual(changed["type"]["old"], labels["contact"])
        self.assertEqual(changed["type"]["new"], labels["invoice"])
        self.assertEqual((changed["active"]["old"], changed["active"]["new"]), (True, False))

    def test_many2many_as_id_and_name_pairs(self):
        vip, b2b = self.env["res.partner.category"].create([{"name": "VIP"}, {"name": "B2B"}])
        partner = self.Partner.create({"name": "Tagged", "category_id": [(6, 0, vip.ids)]})
        partner.write({"category_id": [(4, b2b.id)]})
        changed = self.changed_values("res.partner", partner.id)["category_id"]
        self.assertEqual(changed["old"], [[vip.id, "VIP"]])
        self.assertEqual(sorted(changed["new"]), sorted([[vip.id, "VIP"], [b2b.id, "B2B"]]))
        self.assertNotIn("old_count", changed)

    def test_long_text_is_cut_with_its_length(self):
        partner = self.Partner.create({"name": "Long", "comment": "<p>%s</p>" % ("x" * 1200)})
        partner.write({"comment": "<p>short</p>"})
        changed = self.changed_values("res.partner", partner.id)["comment"]
        self.assertEqual(len(changed["old"]), values.MAX_TEXT)
        self.assertEqual(changed["old_length"], len("<p>%s</p>" % ("x" * 1200)))
        self.assertTrue(changed["truncated"])
        self.assertEqual(changed["new"], "<p>short</p>")
        self.assertNotIn("new_length", changed)

    def test_binary_fields_are_recorded_as_changed_only(self):
        partner = self.Partner.create({"name": "Pictured"})
        # a 1x1 transparent GIF
        partner.write({"image_1920": "R0lGODlhAQABAIAAAP///wAAACwAAAAAAQABAAACAkQBADs="})
        changed = self.changed_values("res.partner", partner.id)["image_1920"]
        self.assertEqual(changed["changed"], True)
        self.assertNotIn("old", changed)
        self.assertNotIn("new", changed)

    def test_secrets_are_never_recorded(self):
        for name in ("password", "api_key", "x_api_key", "oauth_access_token", "totp_secret", "signature",
                     "access_token", "x_webhook_secret", "otp"):
            self.assertIsNone(values.plan_field(stand_in_field(name)), name)
        self.assertIsNone(values.plan_field(stand_in_field("stripe_key")), "*_key of a char field")
        self.assertEqual(values.plan_field(stand_in_field("sort_key", "integer")), "value", "*_key of an integer")
        self.assertIsNone(values.plan_field(stand_in_field("x_pin", password=True)), "password=True")
        self.assertEqual(values.plan_field(stand_in_field("footprint")), "value", "words, not substrings")
        users_fields = self.env["res.users"]._fields
        self.assertIsNone(values.plan_field(users_fields["password"]))
        self.assertIsNone(values.plan_field(users_fields["signature"]))

    def test_restricted_and_computed_fields_are_recorded_as_changed_only(self):
        self.assertEqual(values.plan_field(stand_in_field("salary", "float", groups="hr.group_hr_user")), "changed")
        self.assertEqual(values.plan_field(stand_in_field("x_total", "float", store=False)), "changed")

    def test_refresh_merges_values_by_field(self):
        partner = self.Partner.create({"name": "First", "phone": "1"})
        partner.write({"name": "Second"})
        self.flush_log()
        partner.write({"phone": "2"})
        self.flush_log()
        partner.write({"name": "Third"})
        changed = self.changed_values("res.partner", partner.id)
        self.assertEqual((changed["name"]["old"], changed["name"]["new"]), ("Second", "Third"),
                         "a field written again gets the pair of its latest write")
        self.assertEqual((changed["phone"]["old"], changed["phone"]["new"]), ("1", "2"), "the others keep theirs")

    def test_writes_of_one_transaction_keep_the_first_old_value(self):
        partner = self.Partner.create({"name": "A"})
        self.flush_log()
        partner.write({"name": "B"})
        partner.write({"name": "C"})
        changed = self.changed_values("res.partner", partner.id)
        self.assertEqual((changed["name"]["old"], changed["name"]["new"]), ("A", "C"))

    def test_a_write_inside_another_keeps_the_outer_old_value(self):
        # an override that writes the same record again runs inside the outer write:
        # its capture starts later but is added first
        rows = pending.PendingLog()
        outer, inner = pending.next_capture_start(), pending.next_capture_start()
        rows.add("res.partner", [1], "write", 2, ["name"], {1: {"name": ["B", "C"]}}, inner)
        rows.add("res.partner", [1], "write", 2, ["name"], {1: {"name": ["A", "C"]}}, outer)
        self.assertEqual(rows.rows[("res.partner", 1, "write")].values["name"], ["A", "C"])

    def test_values_can_be_turned_off_per_model(self):
        self.addCleanup(setattr, self.registry, "registry_invalidated", False)
        self.Log._set_models_without_values(["res.partner"])
        partner = self.Partner.create({"name": "Quiet values"})
        partner.write({"name": "Still quiet"})
        row = self.rows("res.partner", partner.ids, "write")
        self.assertEqual(row.changed_fields, "name")
        self.assertFalse(row.changed_values)
        self.Log._set_models_without_values([])
        partner.write({"name": "Loud again"})
        self.assertEqual(self.changed_values("res.partner", partner.id)["name"]["new"], "Loud again")

    def test_old_values_are_read_in_one_query_per_call(self):
        partners = self.Partner.create([{"name": "Batch %d" % index, "phone": str(index)} for index in range(40)])
        self.flush_log()
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        capture = values.start_capture(partners, ["name", "phone"])
        self.assertEqual(self.env.cr.sql_log_count - before, 1, "one fetch for 40 records")
        self.assertEqual(len(capture.old), 40)

    def test_create_and_unlink_rows_carry_no_values(self):
        partner = self.Partner.create({"name": "Short-lived"})
        partner_id = partner.id
        partner.unlink()
        self.assertFalse(self.rows("res.partner", [partner_id], "create").changed_values)
        self.assertFalse(self.rows("res.partner", [partner_id], "unlink").changed_values)

    def test_value_failure_still_logs_the_row_and_records_the_error(self):
        partner = self.Partner.create({"name": "Unrenderable"})
        self.flush_log()

        def broken_render(renderer, model, pairs):
            raise RuntimeError("cannot render")

        self.patch(values.Renderer, "render", broken_render)
        partner.write({"name": "Renamed"})
        row = self.rows("res.partner", partner.ids, "write")
        self.assertEqual(row.changed_fields, "name")
        self.assertFalse(row.changed_values)
        error = self.Errors.search([("model", "=", "res.partner"), ("record_id", "=", partner.id)])
        self.assertIn("cannot render", error.error_message)

    def test_monetary_and_float_rendering(self):
        usd = self.env.ref("base.USD")
        renderer = values.Renderer(self.env)
        renderer.resolve({"res.currency": {usd.id}})
        monetary = SimpleNamespace(type="monetary")
        self.assertEqual(renderer.render_side(monetary, [12.5, usd.id], {}), "%.*f USD" % (usd.decimal_places, 12.5))
        self.assertEqual(renderer.render_side(monetary, [False, usd.id], {}), False)
        latitude = self.Partner._fields["partner_latitude"]
        scale = latitude.get_digits(self.env)[1]
        self.assertEqual(renderer.render_side(latitude, 1.5, {}), "%.*f" % (scale, 1.5))

    def test_values_are_json(self):
        partner = self.Partner.create({"name": "Json"})
        partner.write({"name": "Jsön", "comment": "<b>bold</b>"})
        row = self.rows("res.partner", partner.ids, "write")
        self.assertIsInstance(json.loads(row.changed_values), dict)
