import importlib.util
from pathlib import Path

from odoo.tests.common import tagged
from odoo.tools import mute_logger

from .common import AutoWebhookCase

MIGRATION = Path(__file__).resolve().parent.parent / "migrations" / "19.0.3.0.0" / "post-migrate.py"



def load_migration():
    spec = importlib.util.spec_from_file_location("auto_webhook_post_migrate_3", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@tagged("post_install", "-at_install")
class TestMigration(AutoWebhookCase):
    """Part A2: the upgrade drops the original module's indexes and its cleanup table."""

    def index_names(self):
        self.env.cr.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'update_webhook'")
        return {row[0] for row in self.env.cr.fetchall()}

    def test_drops_the_original_single_column_indexes(self):
        for column in ("event", "model", "record_id"):
            self.env.cr.execute(
                'CREATE INDEX IF NOT EXISTS "update_webhook__%s_index" ON update_webhook (%s)' % (column, column)
            )
        migration = load_migration()
        with mute_logger(migration.__name__):
            dropped = migration.drop_redundant_indexes(self.env.cr)
        self.assertEqual(sorted(dropped), [
            "update_webhook__event_index", "update_webhook__model_index", "update_webhook__record_id_index",
        ])
        names = self.index_names()
        self.assertFalse(names & set(dropped))
        self.assertIn("update_webhook_unique_model_record_event", names, "the unique index stays")
        self.assertIn("update_webhook__timestamp_index", names, "the timestamp index stays")

    def test_drops_a_duplicate_unique_constraint(self):
        migration = load_migration()
        self.env.cr.execute(
            "ALTER TABLE update_webhook ADD CONSTRAINT update_webhook_original_unique UNIQUE (model, record_id, event)"
        )
        with mute_logger(migration.__name__):
            self.assertEqual(migration.drop_duplicate_constraints(self.env.cr), ["update_webhook_original_unique"])
        self.env.cr.execute("SELECT conname FROM pg_constraint WHERE conname LIKE 'update_webhook_%%unique%%'")
        self.assertEqual([row[0] for row in self.env.cr.fetchall()], ["update_webhook_unique_model_record_event"])

    def test_drops_the_cleanup_table_when_present(self):
        migration = load_migration()
        self.env.cr.execute("CREATE TABLE IF NOT EXISTS webhook_cleanup_cron (id serial PRIMARY KEY)")
        with mute_logger(migration.__name__):
            self.assertTrue(migration.drop_cleanup_table(self.env.cr))
            self.assertFalse(migration.drop_cleanup_table(self.env.cr), "nothing left to drop")
        self.env.cr.execute("SELECT 1 FROM pg_class WHERE relname = 'webhook_cleanup_cron'")
        self.assertFalse(self.env.cr.fetchone())
