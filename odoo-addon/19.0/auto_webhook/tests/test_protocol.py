import json

from odoo.exceptions import AccessError, UserError
from odoo.tests.common import new_test_user, tagged

from ..models import update_webhook
from .common import AutoWebhookCase

STATE_KEYS = {
    "log", "max_id", "count", "cursor_row", "tombstone_id", "tombstone_floor", "tombstones", "tombstone_more",
    "tombstone_last", "error_max_id", "rows", "refreshed",
}


@tagged("post_install", "-at_install")
class TestProtocol(AutoWebhookCase):
    """Protocol 2: protocol_version, sync_state, digest, tombstones, the log token."""

    def make_rows(self, count):
        partners = self.Partner.create([{"name": "Row %d" % index} for index in range(count)])
        self.flush_log()
        return self.rows("res.partner", partners.ids, "create").sorted("id")

    def test_protocol_version(self):
        self.assertEqual(self.Log.protocol_version(), 2)

    def test_idle_poll_answers_every_key_and_is_json(self):
        rows = self.make_rows(3)
        state = self.Log.sync_state(cursor=rows[-1].id)
        self.assertEqual(set(state), STATE_KEYS)
        self.assertEqual(json.loads(json.dumps(state)), state, "JSON-serialisable, nothing lost")
        self.env.cr.execute("SELECT max(id), count(*) FROM update_webhook")
        self.assertEqual([state["max_id"], state["count"]], list(self.env.cr.fetchone()))
        self.assertEqual(state["cursor_row"], ["res.partner", rows[-1].record_id, "create"])
        self.assertEqual((state["rows"], state["refreshed"]), ([], []))
        self.assertTrue(state["log"])
        self.assertEqual(self.Log.sync_state()["log"], state["log"], "the token is stable")

    def test_missing_cursor_row_is_false(self):
        self.env.cr.execute("SELECT COALESCE(max(id), 0) + 1000 FROM update_webhook")
        self.assertIs(self.Log.sync_state(cursor=self.env.cr.fetchone()[0])["cursor_row"], False)

    def test_new_rows_in_id_order_with_default_fields(self):
        rows = self.make_rows(5)
        state = self.Log.sync_state(cursor=rows[1].id, limit=2)
        self.assertEqual([row["id"] for row in state["rows"]], rows[2:4].ids)
        first = state["rows"][0]
        self.assertNotIn("changed_values", first, "values are asked for explicitly")
        self.assertIn("changed_fields", first)
        self.assertIsInstance(first["timestamp"], str)
        self.assertEqual(first["model"], "res.partner")
        chosen = self.Log.sync_state(cursor=rows[1].id, limit=1, fields=["record_id", "changed_values"])["rows"]
        self.assertEqual(set(chosen[0]), {"id", "record_id", "changed_values"})

    def test_refreshed_rows(self):
        rows = self.make_rows(3)
        since = self.backdate(rows, days=1)
        self.backdate(rows[1], days=0)  # refreshed now
        state = self.Log.sync_state(cursor=rows[-1].id, refreshed_since=since.strftime("%Y-%m-%d %H:%M:%S"))
        refreshed = [row["id"] for row in state["refreshed"] if row["id"] in rows.ids]
        self.assertEqual(sorted(refreshed), sorted(rows.ids))
        later = self.Log.sync_state(cursor=rows[-1].id, refreshed_since="2999-01-01 00:00:00")
        self.assertEqual(later["refreshed"], [])

    def test_tombstones_record_every_deletion(self):
        rows = self.make_rows(4)
        start = self.Log.sync_state()["tombstone_id"]
        rows[0].unlink()  # ORM
        self.env.cr.execute("DELETE FROM update_webhook WHERE id = ANY(%s)", [rows[1:3].ids])  # raw SQL
        state = self.Log.sync_state(tombstone_cursor=start)
        self.assertEqual(state["tombstones"], [rows[0].id] + sorted(rows[1:3].ids))
        self.assertFalse(state["tombstone_more"])
        self.assertGreaterEqual(state["tombstone_id"], start + 2)
        self.assertGreater(state["tombstone_floor"], 0)
        self.assertEqual(self.Log.sync_state(tombstone_cursor=state["tombstone_id"])["tombstones"], [])

    def test_tombstones_are_cut_at_the_limit(self):
        self.patch(update_webhook, "TOMBSTONE_LIMIT", 2)
        rows = self.make_rows(3)
        start = self.Log.sync_state()["tombstone_id"]
        rows.unlink()
        state = self.Log.sync_state(tombstone_cursor=start)
        self.assertEqual(state["tombstones"], rows.ids[:2])
        self.assertTrue(state["tombstone_more"])
        rest = self.Log.sync_state(tombstone_cursor=state["tombstone_last"])
        self.assertEqual(rest["tombstones"], rows.ids[2:], "tombstone_last is where the next page starts")
        self.assertFalse(rest["tombstone_more"])
        self.assertEqual(rest["tombstone_last"], rest["tombstone_id"])

    def test_truncate_renews_the_token(self):
        token = self.Log.sync_state()["log"]
        self.env.cr.execute("TRUNCATE update_webhook")
        state = self.Log.sync_state()
        self.assertNotEqual(state["log"], token, "a truncated log reads as a reset")
        self.assertEqual((state["max_id"], state["count"], state["tombstone_id"]), (0, 0, 0))

    def test_init_keeps_the_token_and_renews_it_for_a_new_table(self):
        token = self.Log.sync_state()["log"]
        self.Log.init()
        self.assertEqual(self.Log.sync_state()["log"], token, "an upgrade keeps the token")
        self.env.cr.execute("UPDATE update_webhook_log_state SET table_oid = 0")
        self.Log.init()
        self.assertNotEqual(self.Log.sync_state()["log"], token, "a recreated table gets a new token")

    def test_error_max_id_follows_read_access(self):
        error = self.Errors.create({"model": "res.partner", "record_id": 1, "event": "write", "error_message": "x"})
        self.assertEqual(self.Log.sync_state()["error_max_id"], error.id)
        internal = new_test_user(self.env, login="auto_webhook_poller", groups="base.group_user")
        self.assertEqual(self.Log.with_user(internal).sync_state()["error_max_id"], 0)

    def test_portal_users_cannot_poll(self):
        portal = new_test_user(self.env, login="auto_webhook_portal_poll", groups="base.group_portal")
        with self.assertRaises(AccessError):
            self.Log.with_user(portal).sync_state()
        with self.assertRaises(AccessError):
            self.Log.with_user(portal).digest([[1, 10]])

    def test_bad_arguments_get_clear_messages(self):
        with self.assertRaisesRegex(UserError, "cursor must be a whole number"):
            self.Log.sync_state(cursor=-1)
        with self.assertRaisesRegex(UserError, "refreshed_since"):
            self.Log.sync_state(refreshed_since="yesterday")
        with self.assertRaisesRegex(UserError, "no field nope"):
            self.Log.sync_state(limit=1, fields=["nope"])
        with self.assertRaisesRegex(UserError, "at most 1000 ranges"):
            self.Log.digest([[1, 2]] * 1001)
        with self.assertRaisesRegex(UserError, "pair"):
            self.Log.digest([[1, 2, 3]])

    def test_digest_counts_and_sums_ranges_in_one_statement(self):
        rows = self.make_rows(4)
        ids, record_ids = rows.ids, rows.mapped("record_id")
        empty_low = ids[-1] + 1000
        before = self.env.cr.sql_log_count
        answer = self.Log.digest([[ids[0], ids[1]], [ids[2], ids[3]], [empty_low, empty_low + 10]])
        self.assertEqual(self.env.cr.sql_log_count - before, 1)
        self.assertEqual(answer, [
            [2, ids[0] + ids[1], record_ids[0] + record_ids[1]],
            [2, ids[2] + ids[3], record_ids[2] + record_ids[3]],
            [0, 0, 0],
        ])
        rows[0].unlink()
        self.assertEqual(self.Log.digest([[ids[0], ids[1]]])[0][:2], [1, ids[1]])
        self.assertEqual(self.Log.digest([]), [])

    def test_large_sums_stay_exact_for_xmlrpc(self):
        self.assertEqual(update_webhook.rpc_number(12), 12)
        big = update_webhook.rpc_number(2**31)
        self.assertIsInstance(big, float)
        self.assertEqual(big, 2**31)
