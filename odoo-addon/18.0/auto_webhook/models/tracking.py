"""Patching of the tracked models' create, write and unlink.

The wrappers are installed on the registry classes (``type(env[name])``) at
registry load, the way OCA's auditlog and Odoo's base_automation do it. Each
wrapper keeps the method it replaced in ``origin`` (the attribute name those
modules use too), so wrappers of several modules form one chain that can be
walked: that is how double patching is detected and how our wrapper is taken
out of the chain without disturbing the others.
"""

import logging

from odoo import api

from . import pending, values

_logger = logging.getLogger(__name__)

#: Parameter holding the comma-separated names of the tracked models.
TRACKED_MODELS_PARAM = "auto_webhook.tracked_models"

#: Stored value meaning "track nothing" (an empty parameter reads as missing).
NO_MODELS = "-"

#: The models the original module tracked (product.product is available but off).
DEFAULT_TRACKED_MODELS = (
    "sale.order",
    "product.template",
    "product.category",
    "res.partner",
    "account.move",
    "account.journal",
    "hr.expense",
    "stock.picking",
    "purchase.order",
    "hr.employee",
)

#: Models that can never be tracked: the logs themselves (tracking them would recurse).
UNTRACKABLE_MODELS = frozenset({"update.webhook", "webhook.errors"})

#: Context key that turns logging off for one call chain (imports, data fixes).
DISABLE_CONTEXT_KEY = "auto_webhook_disable"

#: Attribute set on our wrappers; its value is the model name the wrapper logs.
PATCH_MARK = "_auto_webhook_model"

#: Attribute set on our wrappers: whether the class had its own entry before patching.
OWN_ENTRY_MARK = "_auto_webhook_own_entry"

#: Attribute of our write wrapper: whether it records old and new values.
VALUES_MARK = "_auto_webhook_values"

#: Parameter holding the comma-separated names of the models whose values are not recorded.
NO_VALUES_MODELS_PARAM = "auto_webhook.models_without_values"

METHOD_NAMES = ("create", "write", "unlink")


def parse_model_names(value):
    """Return the model names of a parameter value, in order, without duplicates.

    ``None``/``False``/empty (parameter missing) means the default models.
    """
    if not value:
        return list(DEFAULT_TRACKED_MODELS)
    names = []
    for part in value.replace("\n", ",").split(","):
        name = part.strip()
        if name and name != NO_MODELS and name not in names:
            names.append(name)
    return names


def parse_optional_model_names(value):
    """Like parse_model_names, but a missing parameter means no model."""
    return parse_model_names(value) if value else []


def format_model_names(names):
    """Return the parameter value storing ``names`` (never empty: see NO_MODELS)."""
    unique = []
    for name in names:
        if name and name not in unique:
            unique.append(name)
    return ",".join(unique) if unique else NO_MODELS


def is_trackable(registry, name):
    """Whether ``name`` is a model of ``registry`` whose records can be logged."""
    if name in UNTRACKABLE_MODELS or name not in registry:
        return False
    model_class = registry[name]
    return not (model_class._abstract or model_class._transient)


def find_patch(model_class, method_name):
    """Return our wrapper of ``method_name`` on ``model_class``, or None.

    Walks the ``origin`` chain from the class's own entry, so our wrapper is
    found even when another module (base_automation, auditlog) wrapped it again.
    """
    function = model_class.__dict__.get(method_name)
    seen = set()
    while function is not None and id(function) not in seen:
        seen.add(id(function))
        if getattr(function, PATCH_MARK, None):
            return function
        function = getattr(function, "origin", None)
    return None


def patch_model(model_class, model_name, with_values=True):
    """Install the logging wrappers on ``model_class``; return True if anything changed.

    ``with_values`` says whether writes record old and new values; it is
    updated in place on an existing wrapper.
    """
    changed = False
    for method_name, make in (("create", _make_create), ("write", _make_write), ("unlink", _make_unlink)):
        existing = find_patch(model_class, method_name)
        if existing is not None:
            # already patched: never wrap twice, only update the values switch
            if method_name == "write" and getattr(existing, VALUES_MARK, None) != with_values:
                setattr(existing, VALUES_MARK, with_values)
                changed = True
            continue
        wrapper = make(model_name)
        wrapper.origin = getattr(model_class, method_name)
        setattr(wrapper, PATCH_MARK, model_name)
        setattr(wrapper, OWN_ENTRY_MARK, method_name in model_class.__dict__)
        if method_name == "write":
            setattr(wrapper, VALUES_MARK, with_values)
        setattr(model_class, method_name, wrapper)
        changed = True
    return changed


def unpatch_model(model_class):
    """Take our wrappers out of ``model_class``; return True if anything changed."""
    changed = False
    for method_name in METHOD_NAMES:
        parent = None
        function = model_class.__dict__.get(method_name)
        while function is not None:
            if getattr(function, PATCH_MARK, None):
                if parent is not None:
                    # another module wrapped ours: splice ours out of its chain
                    parent.origin = function.origin
                elif getattr(function, OWN_ENTRY_MARK, False):
                    setattr(model_class, method_name, function.origin)
                else:
                    delattr(model_class, method_name)
                changed = True
                break
            parent, function = function, getattr(function, "origin", None)
    return changed


def apply_tracking(registry, names, names_without_values=()):
    """Make exactly the trackable models among ``names`` patched in ``registry``.

    Writes of the models in ``names_without_values`` log field names only.
    Returns the sorted names of the models that are now tracked.
    """
    wanted = {name for name in names if is_trackable(registry, name)}
    without_values = set(names_without_values)
    for name in set(names) - wanted:
        _logger.debug("auto_webhook: model %s is not installed or cannot be tracked", name)
    for name in list(registry):
        model_class = registry[name]
        if name in wanted:
            if patch_model(model_class, name, with_values=name not in without_values):
                _logger.debug("auto_webhook: tracking %s", name)
        elif unpatch_model(model_class):
            _logger.debug("auto_webhook: no longer tracking %s", name)
    return sorted(wanted)


def remove_tracking(registry):
    """Take every wrapper of ours out of ``registry``."""
    for name in list(registry):
        unpatch_model(registry[name])


def _should_log(records, model_name):
    # prototype inheritance (_inherit=X with another _name) puts X's registry
    # class in the MRO of the other model: log only the model we patched
    return records._name == model_name and not records.env.context.get(DISABLE_CONTEXT_KEY)


def _record_ids(ids):
    # new (unsaved) records have NewId ids: they are not in the database
    return [record_id for record_id in ids if isinstance(record_id, int)]


def _pending(env):
    """The transaction's pending log rows (see pending.py)."""
    return pending.pending_log(env, lambda rows: env["update.webhook"].sudo()._flush_pending(rows))


# The wrappers are built inside functions so each closure refers to its own
# function object (see the note in base_automation's _register_hook). They
# only gather rows: nothing is written until the transaction flushes.

def _make_create(model_name):
    @api.model_create_multi
    def create(self, vals_list):
        records = create.origin(self, vals_list)
        if _should_log(self, model_name):
            record_ids = _record_ids(records._ids)
            if record_ids:
                _pending(self.env).add(model_name, record_ids, "create", self.env.uid)
        return records

    return create


def _capture_values(records, record_ids, field_names, model_name):
    """Start capturing old values; a failure is reported and the write goes on."""
    try:
        return values.start_capture(records.browse(record_ids), field_names)
    except Exception as error:  # noqa: BLE001 - logging never breaks the business write
        _logger.exception("auto_webhook: could not read the old values of %s %s", model_name, record_ids[:20])
        _pending(records.env).failures.append((model_name, record_ids, "write", error))
        return None


def _finish_values(records, capture, record_ids, model_name):
    try:
        return values.finish_capture(capture)
    except Exception as error:  # noqa: BLE001 - logging never breaks the business write
        _logger.exception("auto_webhook: could not read the new values of %s %s", model_name, record_ids[:20])
        _pending(records.env).failures.append((model_name, record_ids, "write", error))
        return None


def _make_write(model_name):
    def write(self, vals, *args, **kwargs):
        if not self._ids or not _should_log(self, model_name):
            return write.origin(self, vals, *args, **kwargs)
        record_ids = _record_ids(self._ids)
        field_names = sorted(name for name in vals if name in self._fields)
        capture = None
        started = pending.next_capture_start()
        if record_ids and field_names and getattr(write, VALUES_MARK, False):
            capture = _capture_values(self, record_ids, field_names, model_name)
        result = write.origin(self, vals, *args, **kwargs)
        if record_ids:
            pairs = _finish_values(self, capture, record_ids, model_name) if capture is not None else None
            _pending(self.env).add(model_name, record_ids, "write", self.env.uid, field_names, pairs, started)
        return result

    return write


def _make_unlink(model_name):
    def unlink(self, *args, **kwargs):
        record_ids = _record_ids(self._ids)
        result = unlink.origin(self, *args, **kwargs)
        if record_ids and _should_log(self, model_name):
            _pending(self.env).add(model_name, record_ids, "unlink", self.env.uid)
        return result

    return unlink
