from odoo import Command
from odoo.tests.common import tagged

from ..models import tracking
from .common import AutoWebhookCase


@tagged("post_install", "-at_install")
class TestTrackedModels(AutoWebhookCase):
    """Point 3: tracked models set in the settings, patched at registry load."""

    def setUp(self):
        super().setUp()
        # a base model nobody tracks by default, so the test can switch it on
        self.extra_model = "res.country"
        if self.extra_model in self.Log._get_tracked_model_names():
            self.skipTest("res.country is already tracked in this database")
        # the settings signal the other workers; nothing to signal in a test
        self.addCleanup(setattr, self.registry, "registry_invalidated", False)
        # these tests expect res.partner in the configuration (the default);
        # the parameter change is rolled back with the test
        configured = self.Log._get_tracked_model_names()
        if "res.partner" not in configured:
            self.env["ir.config_parameter"].set_param(
                tracking.TRACKED_MODELS_PARAM, tracking.format_model_names(configured + ["res.partner"])
            )

    def count_our_wrappers(self, model_name, method_name):
        function = type(self.env[model_name]).__dict__.get(method_name)
        count = 0
        while function is not None:
            count += bool(getattr(function, tracking.PATCH_MARK, None))
            function = getattr(function, "origin", None)
        return count

    def save_settings(self, model_names):
        settings = self.env["res.config.settings"].create({})
        models_ = self.env["ir.model"].search([("model", "in", model_names)])
        settings.auto_webhook_model_ids = [Command.set(models_.ids)]
        settings.execute()

    def test_defaults_are_the_ten_original_models(self):
        defaults = tracking.parse_model_names(False)
        self.assertEqual(len(defaults), 10)
        self.assertIn("res.partner", defaults)
        self.assertNotIn("product.product", defaults, "available, but off by default")
        shipped = self.env.ref("auto_webhook.param_tracked_models")
        self.assertEqual(shipped.key, tracking.TRACKED_MODELS_PARAM)

    def test_configured_models_are_patched_at_registry_load(self):
        self.Log._register_hook()  # as at registry load
        for name in self.Log._get_tracked_model_names():
            if name in self.env:
                for method_name in tracking.METHOD_NAMES:
                    self.assertEqual(self.count_our_wrappers(name, method_name), 1, name)
        self.assertEqual(self.count_our_wrappers(self.extra_model, "write"), 0)

    def test_settings_apply_and_reapply_the_tracked_models(self):
        country = self.env[self.extra_model].search([], limit=1)
        configured = self.Log._get_tracked_model_names()

        self.save_settings(configured + [self.extra_model])

        parameter = self.env["ir.config_parameter"].get_param(tracking.TRACKED_MODELS_PARAM)
        self.assertIn(self.extra_model, parameter.split(","))
        self.assertTrue(self.registry.registry_invalidated, "other workers reload their registry")
        self.assertEqual(self.count_our_wrappers(self.extra_model, "write"), 1)
        country.write({"phone_code": country.phone_code})
        self.assertTrue(self.rows(self.extra_model, country.ids, "write"))

        self.save_settings([name for name in configured if name != self.extra_model])

        self.assertNotIn(
            self.extra_model,
            self.env["ir.config_parameter"].get_param(tracking.TRACKED_MODELS_PARAM).split(","),
        )
        self.assertEqual(self.count_our_wrappers(self.extra_model, "write"), 0, "unpatched")
        self.Log.search([("model", "=", self.extra_model)]).unlink()
        country.write({"phone_code": country.phone_code})
        self.assertFalse(self.rows(self.extra_model, country.ids))

    def test_settings_show_the_configured_models(self):
        settings = self.env["res.config.settings"].create({})
        configured = set(self.Log._get_tracked_model_names())
        shown = set(settings.auto_webhook_model_ids.mapped("model"))
        installed = set(self.env["ir.model"].search([("model", "in", list(configured))]).mapped("model"))
        self.assertEqual(shown, installed)

    def test_models_that_are_not_installed_stay_configured(self):
        configured = self.Log._get_tracked_model_names()
        self.Log._set_tracked_model_names(configured + ["auto_webhook.not_installed"])
        self.save_settings(configured)
        self.assertIn("auto_webhook.not_installed", self.Log._get_tracked_model_names())

    def test_an_empty_selection_tracks_nothing(self):
        self.Log._set_tracked_model_names([])
        self.assertEqual(self.Log._get_tracked_model_names(), [])
        self.assertEqual(self.count_our_wrappers("res.partner", "write"), 0)

    def test_registering_twice_patches_once(self):
        self.Log._register_hook()
        self.Log._register_hook()
        for method_name in tracking.METHOD_NAMES:
            self.assertEqual(self.count_our_wrappers("res.partner", method_name), 1)

    def test_unregister_hook_removes_the_wrappers(self):
        self.Log._unregister_hook()
        self.assertEqual(self.count_our_wrappers("res.partner", "write"), 0)
        partner = self.Partner.create({"name": "Untracked"})
        self.assertFalse(self.rows("res.partner", partner.ids))
        self.Log._register_hook()
        self.assertEqual(self.count_our_wrappers("res.partner", "write"), 1)

    def test_wrapper_of_another_module_is_kept(self):
        # another module (base_automation, auditlog) wraps write on top of ours
        PartnerClass = type(self.Partner)
        own_entry = PartnerClass.__dict__.get("write")
        self.addCleanup(self._restore_entry, PartnerClass, "write", own_entry)
        calls = []

        def other_write(records, vals):
            calls.append(records._name)
            return other_write.origin(records, vals)

        other_write.origin = PartnerClass.write
        PartnerClass.write = other_write

        self.Log._register_hook()
        self.assertEqual(self.count_our_wrappers("res.partner", "write"), 1, "found below the other wrapper")

        tracking.unpatch_model(PartnerClass)
        self.assertIs(PartnerClass.__dict__["write"], other_write, "the other wrapper stays in place")
        self.assertEqual(self.count_our_wrappers("res.partner", "write"), 0)
        partner = self.Partner.create({"name": "Wrapped"})
        calls.clear()
        partner.write({"name": "Still wrapped"})
        self.assertIn("res.partner", calls)
        self.assertFalse(self.rows("res.partner", partner.ids))

    @staticmethod
    def _restore_entry(model_class, method_name, entry):
        tracking.unpatch_model(model_class)
        if entry is not None:
            setattr(model_class, method_name, entry)
        elif method_name in model_class.__dict__:
            delattr(model_class, method_name)

    def test_logs_and_transient_models_cannot_be_tracked(self):
        registry = self.registry
        self.assertFalse(tracking.is_trackable(registry, "update.webhook"))
        self.assertFalse(tracking.is_trackable(registry, "webhook.errors"))
        self.assertFalse(tracking.is_trackable(registry, "res.config.settings"))
        self.assertFalse(tracking.is_trackable(registry, "auto_webhook.not_installed"))
        self.assertTrue(tracking.is_trackable(registry, "res.partner"))
