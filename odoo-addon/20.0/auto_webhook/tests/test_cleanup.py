from odoo.exceptions import AccessError
from odoo.tests.common import new_test_user, tagged

from .common import AutoWebhookCase


@tagged("post_install", "-at_install")
class TestCleanup(AutoWebhookCase):
    """Point 2: the scheduled cleanup and the retention."""

    def set_param(self, key, value):
        self.env["ir.config_parameter"].sudo().set_param(key, value)

    def test_removes_orphans_keeps_unlink_rows_and_archived_records(self):
        alive = self.Partner.create({"name": "Alive"})
        archived = self.Partner.create({"name": "Archived"})
        archived.write({"active": False})
        gone = self.Partner.create({"name": "Gone"})
        gone_id = gone.id
        gone.unlink()
        ghost_id = self.unused_id("res.partner")
        self.Log._log_changes("res.partner", [ghost_id], "write", ["name"])
        self.Log._log_changes("auto_webhook.no_such_model", [1], "create")

        removed = self.Cleanup.clean_webhook_records()

        self.assertIsInstance(removed, int)
        self.assertGreaterEqual(removed, 3)
        self.assertTrue(self.rows("res.partner", alive.ids, "create"))
        self.assertEqual(
            set(self.rows("res.partner", archived.ids).mapped("event")), {"create", "write"},
            "an archived record still exists (active_test=False)",
        )
        self.assertFalse(self.rows("res.partner", [gone_id], "create"), "orphaned create row removed")
        self.assertTrue(self.rows("res.partner", [gone_id], "unlink"), "unlink rows are kept")
        self.assertFalse(self.rows("res.partner", [ghost_id]))
        self.assertFalse(self.rows("auto_webhook.no_such_model", [1]), "a model that is not installed has no records")

    def test_returns_a_number_even_when_nothing_is_removed(self):
        self.Cleanup.clean_webhook_records()
        self.assertEqual(self.Cleanup.clean_webhook_records(), 0)

    def test_orphans_are_checked_in_batches_with_one_query_each(self):
        self.set_param("auto_webhook.cleanup_batch_size", "2")
        first_ghost = self.unused_id("res.country")
        ghosts = list(range(first_ghost, first_ghost + 5))
        self.Log._log_changes("res.country", ghosts, "write", ["name"])
        self.env.cr.execute(
            "SELECT DISTINCT record_id FROM update_webhook"
            " WHERE model = 'res.country' AND event <> 'unlink' ORDER BY record_id"
        )
        candidates = [row[0] for row in self.env.cr.fetchall()]  # the ghosts, plus any real rows
        CleanupClass = type(self.Cleanup)
        existing_ids = CleanupClass._existing_ids
        batches = []

        def counting_existing_ids(cleanup, model_name, record_ids):
            if model_name == "res.country":
                batches.append(list(record_ids))
            return existing_ids(cleanup, model_name, record_ids)

        self.patch(CleanupClass, "_existing_ids", counting_existing_ids)
        self.Cleanup.clean_webhook_records()

        self.assertEqual(batches, [candidates[start:start + 2] for start in range(0, len(candidates), 2)])
        self.assertFalse(self.rows("res.country", ghosts))

    def test_retention_deletes_old_rows_only_when_set(self):
        partner = self.Partner.create({"name": "Kept for a while"})
        partner.write({"name": "Written"})
        old_row = self.rows("res.partner", partner.ids, "create")
        recent_row = self.rows("res.partner", partner.ids, "write")
        self.backdate(old_row, days=10)
        old_error = self.Errors.create({"model": "res.partner", "record_id": partner.id, "error_message": "old"})
        self.env.cr.execute(
            "UPDATE webhook_errors SET timestamp = timestamp - interval '10 days' WHERE id = %s", [old_error.id]
        )

        self.set_param("auto_webhook.retention_days", "0")
        self.Cleanup.clean_webhook_records()
        self.assertTrue(old_row.exists(), "retention is off by default")

        self.set_param("auto_webhook.retention_days", "3")
        self.Cleanup.clean_webhook_records()
        self.assertFalse(old_row.exists())
        self.assertFalse(old_error.exists())
        self.assertTrue(recent_row.exists())

    def test_scheduled_action_runs_the_cleanup_daily(self):
        cron = self.env.ref("auto_webhook.ir_cron_clean_webhook_records")
        self.assertEqual(cron.model_id.model, "webhook.cleanup.cron")
        self.assertEqual(cron.code.strip(), "model.clean_webhook_records()")
        self.assertEqual((cron.interval_number, cron.interval_type), (1, "days"))
        self.assertTrue(cron.active)
        # run its server action in this transaction (a direct trigger would use its own)
        ghost_id = self.unused_id("res.partner")
        self.Log._log_changes("res.partner", [ghost_id], "write", ["name"])
        cron.ir_actions_server_id.with_user(cron.user_id).run()
        self.assertFalse(self.rows("res.partner", [ghost_id]))

    def test_only_users_who_may_delete_rows_run_it(self):
        internal = new_test_user(self.env, login="auto_webhook_internal", groups="base.group_user")
        self.assertIsInstance(self.Cleanup.with_user(internal).clean_webhook_records(), int)
        portal = new_test_user(self.env, login="auto_webhook_portal", groups="base.group_portal")
        with self.assertRaises(AccessError):
            self.Cleanup.with_user(portal).clean_webhook_records()

    def test_old_tombstones_go_but_the_newest_stays(self):
        self.Cleanup.clean_webhook_records()  # earlier orphans out of the way: no new tombstones below
        partners = self.Partner.create([{"name": "Tomb %d" % index} for index in range(3)])
        rows = self.rows("res.partner", partners.ids, "create").sorted("id")
        start = self.Log.sync_state()["tombstone_id"]
        rows.unlink()
        self.env.cr.execute("UPDATE update_webhook_tombstone SET deleted_at = deleted_at - interval '40 days'")

        self.set_param("auto_webhook.tombstone_days", "0")
        self.Cleanup.clean_webhook_records()
        self.assertEqual(len(self.Log.sync_state(tombstone_cursor=start)["tombstones"]), 3, "0 keeps them")
        newest = self.Log.sync_state()["tombstone_id"]

        self.set_param("auto_webhook.tombstone_days", "30")
        self.Cleanup.clean_webhook_records()
        state = self.Log.sync_state(tombstone_cursor=start)
        self.assertEqual(state["tombstone_id"], newest, "the newest stays, so callers can tell they missed some")
        self.assertEqual(state["tombstone_floor"], newest)
        self.assertEqual(state["tombstones"], [rows[-1].id])
