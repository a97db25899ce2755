# Part of the Odoo Change Monitor project. License LGPL-3.
{
    "name": "Auto Webhook",
    "version": "18.0.3.0.0",
    "summary": "Change log of tracked models (create, write, unlink) for external consumers",
    "description": """
Logs every create, write and unlink of the tracked models into ``update.webhook``
(one row per record and event, refreshed on repeat) with the old and new values
of written fields, keeps an error log, records deleted log rows (tombstones),
cleans orphaned rows on a schedule, and lets administrators choose the tracked
models in the settings. Speaks protocol 2 of the Odoo Change Monitor app
(sync_state, digest). Drop-in upgrade of the original ``auto_webhook`` module.
""",
    "category": "Technical",
    "author": "Odoo Change Monitor",
    "license": "LGPL-3",
    "depends": ["base", "web"],
    "data": [
        "security/auto_webhook_groups.xml",
        "security/ir.model.access.csv",
        "data/ir_config_parameter_data.xml",
        "data/ir_cron_data.xml",
        "views/update_webhook_views.xml",
        "views/webhook_errors_views.xml",
        "views/res_config_settings_views.xml",
        "views/auto_webhook_menus.xml",
    ],
    "images": ["static/description/icon.png"],
    "uninstall_hook": "uninstall_hook",
    "installable": True,
    "application": True,
}
