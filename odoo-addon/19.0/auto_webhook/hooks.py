"""Module hooks."""

from .models import log_tables


def uninstall_hook(env):
    """Drop the tombstone table, the log token and their triggers (Odoo drops the models' tables)."""
    log_tables.drop(env.cr)
