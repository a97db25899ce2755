import psycopg2

from odoo.tests.common import new_test_user, tagged
from odoo.tools import mute_logger

from .common import AutoWebhookCase

LOGGING_LOGGER = "odoo.addons.auto_webhook.models.update_webhook"


@tagged("post_install", "-at_install")
class TestChangeLogging(AutoWebhookCase):
    """Point 1 (correct logging), point 4 (richer fields) and point 5 (one statement)."""

    def test_multi_record_create_logs_every_record(self):
        partners = self.Partner.create([{"name": "Multi %d" % index} for index in range(3)])
        rows = self.rows("res.partner", partners.ids, "create")
        self.assertEqual(sorted(rows.mapped("record_id")), sorted(partners.ids))
        self.assertEqual(rows.mapped("change_count"), [1, 1, 1])

    def test_multi_record_write_and_unlink_log_every_record(self):
        partners = self.Partner.create([{"name": "Batch %d" % index} for index in range(3)])
        ids = partners.ids
        partners.write({"function": "Batch"})
        self.assertEqual(sorted(self.rows("res.partner", ids, "write").mapped("record_id")), sorted(ids))
        partners.unlink()
        self.assertEqual(sorted(self.rows("res.partner", ids, "unlink").mapped("record_id")), sorted(ids))
        # the create rows stay until the cleanup removes them
        self.assertEqual(len(self.rows("res.partner", ids, "create")), 3)

    def test_write_after_create_is_logged(self):
        partner = self.Partner.create({"name": "Created"})
        partner.write({"name": "Then written"})
        self.assertEqual(set(self.rows("res.partner", partner.ids).mapped("event")), {"create", "write"})

    def test_repeated_write_refreshes_timestamp_and_counter(self):
        partner = self.Partner.create({"name": "Repeated"})
        partner.write({"name": "First write"})
        row = self.rows("res.partner", partner.ids, "write")
        self.assertEqual(row.change_count, 1)
        old = self.backdate(row, days=2)

        partner.write({"email": "second@example.com"})

        self.assertEqual(self.rows("res.partner", partner.ids, "write"), row, "still one row per event")
        self.assertEqual(row.change_count, 2)
        self.assertGreater(row.timestamp, old, "a consumer asking for changes since T sees it")
        self.assertEqual(row.changed_fields, "email,name", "the fields of both writes")

    def test_user_and_changed_fields_are_filled(self):
        user = new_test_user(
            self.env, login="auto_webhook_writer", groups="base.group_user,base.group_partner_manager"
        )
        partner = self.Partner.with_user(user).create({"name": "By a user"})
        create_row = self.rows("res.partner", partner.ids, "create")
        self.assertEqual(create_row.user_id, user)
        self.assertFalse(create_row.changed_fields, "creates carry no field names")

        partner.with_user(user).write({"phone": "+1 555 0100", "name": "Renamed"})
        write_row = self.rows("res.partner", partner.ids, "write")
        self.assertEqual(write_row.user_id, user)
        self.assertEqual(write_row.changed_fields, "name,phone")
        self.assertEqual(write_row.create_uid, user)

        partner.with_env(self.env).write({"function": "Buyer"})
        self.assertEqual(write_row.user_id, self.env.user, "the user of the latest change")

    def test_logging_failure_keeps_the_business_write(self):
        partner = self.Partner.create({"name": "Before"})

        def broken_insert(log, model_name, record_ids, event, changed_fields=None):
            # a failing statement aborts the PostgreSQL transaction: only the
            # savepoint lets the business transaction go on
            log.env.cr.execute("SELECT 1 / 0")

        self.patch(type(self.Log), "_insert_log_rows", broken_insert)
        with mute_logger("odoo.sql_db", LOGGING_LOGGER):
            partner.write({"name": "After"})

        self.env.flush_all()
        self.env.cr.execute("SELECT name FROM res_partner WHERE id = %s", [partner.id])
        self.assertEqual(self.env.cr.fetchone()[0], "After")
        self.assertFalse(self.rows("res.partner", partner.ids, "write"))
        error = self.Errors.search([("model", "=", "res.partner"), ("record_id", "=", partner.id)])
        self.assertEqual(len(error), 1)
        self.assertEqual(error.event, "write")
        self.assertIn("division by zero", error.error_message)

    def test_logging_failure_of_a_batch_records_every_record(self):
        partners = self.Partner.create([{"name": "Failing %d" % index} for index in range(3)])
        self.patch(type(self.Log), "_insert_log_rows", lambda *args, **kwargs: 1 / 0)
        with mute_logger(LOGGING_LOGGER):
            partners.write({"function": "Buyer"})
        errors = self.Errors.search([("model", "=", "res.partner"), ("record_id", "in", partners.ids)])
        self.assertEqual(sorted(errors.mapped("record_id")), sorted(partners.ids))
        self.assertEqual(partners.mapped("function"), ["Buyer"] * 3)

    def test_concurrency_conflict_is_left_to_odoo_retry(self):
        partner = self.Partner.create({"name": "Contended"})

        def conflicting_insert(log, *args, **kwargs):
            log.env.cr.execute(
                "DO $$ BEGIN RAISE EXCEPTION 'conflict' USING ERRCODE = 'serialization_failure'; END $$"
            )

        self.patch(type(self.Log), "_insert_log_rows", conflicting_insert)
        with mute_logger("odoo.sql_db"), self.assertRaises(psycopg2.errors.SerializationFailure):
            partner.write({"name": "Retried"})
        # rolled back to the savepoint: the transaction is still usable
        self.assertEqual(self.Partner.search_count([("id", "=", partner.id)]), 1)

    def test_context_key_turns_logging_off(self):
        partner = self.Partner.with_context(auto_webhook_disable=True).create({"name": "Quiet"})
        partner.with_context(auto_webhook_disable=True).write({"name": "Still quiet"})
        self.assertFalse(self.rows("res.partner", partner.ids))

    def test_one_statement_per_operation_batch(self):
        for size in (1, 40):
            partners = self.Partner.create([{"name": "Counted %d" % index} for index in range(size)])
            self.env.flush_all()
            before = self.env.cr.sql_log_count
            self.Log._log_changes("res.partner", partners.ids, "write", ["name"])
            # SAVEPOINT, INSERT ... ON CONFLICT DO UPDATE, RELEASE SAVEPOINT; no ORM search
            self.assertEqual(self.env.cr.sql_log_count - before, 3, "for %d record(s)" % size)
            self.assertEqual(len(self.rows("res.partner", partners.ids, "write")), size)
