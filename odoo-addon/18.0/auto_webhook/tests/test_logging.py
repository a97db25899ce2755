from odoo.tests.common import new_test_user, tagged
from odoo.tools import mute_logger

from ..models import pending, tracking, update_webhook
from .common import AutoWebhookCase

LOGGING_LOGGER = "odoo.addons.auto_webhook.models.update_webhook"
FAILING_SQL = "SELECT 1 / 0"
CONFLICT_SQL = "DO $$ BEGIN RAISE EXCEPTION 'conflict' USING ERRCODE = 'serialization_failure'; END $$"


@tagged("post_install", "-at_install")
class TestChangeLogging(AutoWebhookCase):
    """Correct logging, richer fields, and one statement per transaction."""

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

    def test_rows_wait_for_the_flush(self):
        partner = self.Partner.create({"name": "Pending"})
        self.env.cr.execute("SELECT count(*) FROM update_webhook WHERE model = 'res.partner' AND record_id = %s",
                            [partner.id])
        self.assertEqual(self.env.cr.fetchone()[0], 0, "nothing is written during the call")
        self.assertTrue(self.env.cr.precommit.data.get(pending.PENDING_KEY))
        self.flush_log()
        self.env.cr.execute("SELECT count(*) FROM update_webhook WHERE model = 'res.partner' AND record_id = %s",
                            [partner.id])
        self.assertEqual(self.env.cr.fetchone()[0], 1, "written when the transaction flushes")

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

    def test_writes_of_one_transaction_count_each_call(self):
        partner = self.Partner.create({"name": "Counted"})
        partner.write({"name": "One"})
        partner.write({"phone": "+1 555 0101"})
        row = self.rows("res.partner", partner.ids, "write")
        self.assertEqual(row.change_count, 2, "two calls merged into one row, both counted")
        self.assertEqual(row.changed_fields, "name,phone")

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
        self.assertEqual(self.rows("res.partner", partner.ids, "write").user_id, self.env.user,
                         "the user of the latest change")

    def test_logging_failure_keeps_the_business_write(self):
        partner = self.Partner.create({"name": "Before"})
        self.flush_log()
        # a failing statement aborts the PostgreSQL transaction: only the
        # savepoint lets the business transaction go on
        self.patch(type(self.Log), "_log_statement", lambda log: FAILING_SQL)
        with mute_logger("odoo.sql_db", LOGGING_LOGGER):
            partner.write({"name": "After"})
            self.flush_log()

        self.env.cr.execute("SELECT name FROM res_partner WHERE id = %s", [partner.id])
        self.assertEqual(self.env.cr.fetchone()[0], "After")
        self.assertFalse(self.rows("res.partner", partner.ids, "write"))
        error = self.Errors.search([("model", "=", "res.partner"), ("record_id", "=", partner.id)])
        self.assertEqual(len(error), 1)
        self.assertEqual(error.event, "write")
        self.assertIn("division by zero", error.error_message)

    def test_logging_failure_of_a_batch_records_every_record(self):
        partners = self.Partner.create([{"name": "Failing %d" % index} for index in range(3)])
        self.flush_log()
        self.patch(type(self.Log), "_log_statement", lambda log: FAILING_SQL)
        with mute_logger("odoo.sql_db", LOGGING_LOGGER):
            partners.write({"function": "Buyer"})
            self.flush_log()
        errors = self.Errors.search([("model", "=", "res.partner"), ("record_id", "in", partners.ids)])
        self.assertEqual(sorted(errors.mapped("record_id")), sorted(partners.ids))
        self.assertEqual(partners.mapped("function"), ["Buyer"] * 3)

    def test_concurrency_conflict_is_left_to_odoo_retry(self):
        partner = self.Partner.create({"name": "Contended"})
        self.flush_log()
        self.patch(type(self.Log), "_log_statement", lambda log: CONFLICT_SQL)
        partner.write({"name": "Retried"})
        with mute_logger("odoo.sql_db"), self.assertRaises(Exception) as caught:
            self.flush_log()
        self.assertEqual(update_webhook.error_code(caught.exception), "40001", "serialization_failure")
        # rolled back to the savepoint: the transaction is still usable
        self.assertEqual(self.Partner.search_count([("id", "=", partner.id)]), 1)

    def test_rollback_of_a_flushing_savepoint_drops_its_rows(self):
        partner = self.Partner.create({"name": "Kept"})
        try:
            with self.env.cr.savepoint():
                self.Partner.create({"name": "Rolled back"})
                raise ValueError("undo")
        except ValueError:
            pass
        self.flush_log()
        self.assertTrue(self.rows("res.partner", partner.ids, "create"))
        self.assertFalse(self.Log.search([("model", "=", "res.partner"), ("record_id", ">", partner.id)]),
                         "the rolled-back create left no row")

    def test_context_key_turns_logging_off(self):
        partner = self.Partner.with_context(auto_webhook_disable=True).create({"name": "Quiet"})
        partner.with_context(auto_webhook_disable=True).write({"name": "Still quiet"})
        self.assertFalse(self.rows("res.partner", partner.ids))

    def test_calls_run_no_sql_and_the_flush_one_statement(self):
        self.Log._set_models_without_values(["res.partner"])
        self.addCleanup(setattr, self.registry, "registry_invalidated", False)
        cr = self.env.cr
        for size in (1, 40):
            quiet = self.Partner.create([{"name": "Quiet %d" % index} for index in range(size)])
            logged = self.Partner.create([{"name": "Logged %d" % index} for index in range(size)])
            self.flush_log()
            before = cr.sql_log_count
            quiet.with_context(tracking_disable=True, auto_webhook_disable=True).write({"function": "Counted"})
            self.env.flush_all()
            unlogged = cr.sql_log_count - before
            before = cr.sql_log_count
            logged.with_context(tracking_disable=True).write({"function": "Counted"})
            self.env.flush_all()
            self.assertEqual(cr.sql_log_count - before, unlogged,
                             "a logged write (values off) runs no more SQL than an unlogged one (%d record(s))" % size)
            before = cr.sql_log_count
            self.Log._flush_transaction_rows()  # what the precommit hook runs
            # SAVEPOINT; INSERT ... ON CONFLICT DO UPDATE; RELEASE SAVEPOINT in one round trip
            self.assertEqual(cr.sql_log_count - before, 1, "for %d record(s)" % size)
            self.assertEqual(len(self.rows("res.partner", logged.ids, "write")), size)

    def test_one_statement_for_several_models_and_events(self):
        # res.country as a second tracked model (the common cleanup puts the configured tracking back)
        tracking.apply_tracking(
            self.registry, self.Log._get_tracked_model_names() + ["res.country"], ["res.partner", "res.country"]
        )
        partner = self.Partner.create({"name": "Several"})
        partner.write({"name": "Written"})
        country = self.env["res.country"].search([], limit=1)
        country.write({"phone_code": country.phone_code})
        before = self.env.cr.sql_log_count
        self.Log._flush_transaction_rows()
        self.assertEqual(self.env.cr.sql_log_count - before, 1, "two models, three rows, one statement")
        self.assertEqual(set(self.rows("res.partner", partner.ids).mapped("event")), {"create", "write"})
        self.assertTrue(self.rows("res.country", country.ids, "write"))
