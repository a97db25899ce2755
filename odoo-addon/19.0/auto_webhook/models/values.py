"""Old and new values of written fields: which fields, how they are read, how they are rendered.

A write call is handled in two steps, so that the call itself stays cheap:

1. ``capture_write`` (inside the write wrapper) plans the written fields once
   per call, reads the old values of every record in one batched ORM fetch
   before the write, and the new values from the cache right after it. Values
   are kept raw (ids, numbers, dates).
2. ``render_values`` (in the precommit flush, once per transaction) turns the
   raw pairs into the documented value format, resolving display names,
   selection labels and currencies in one batch per comodel.

The format is described in docs/addon-protocol.md ("The value format").
"""

import datetime
import functools
import logging
import re

_logger = logging.getLogger(__name__)

#: Longest text kept for one value; longer values are cut and their length kept.
MAX_TEXT = 500

#: Most x2many entries kept for one value; the full count is kept beside them.
MAX_RELATED = 20

#: Field names (or ``_``-separated parts of names) whose values are never recorded.
DENIED_WORDS = frozenset({"password", "passwd", "token", "secret", "signature", "totp", "otp", "oauth"})

#: Name endings that are secret for char and text fields (``stripe_secret_key``, ``x_api_key``).
DENIED_TEXT_SUFFIXES = ("_key",)

#: Field types whose content is never copied into the log, only the fact that it changed.
CHANGED_ONLY_TYPES = frozenset({"binary", "image", "json", "properties", "properties_definition"})

#: Field types rendered as a (possibly cut) string.
TEXT_TYPES = frozenset({"char", "text", "html"})

#: Field types whose old values are read (others are recorded as changed only).
VALUE_TYPES = TEXT_TYPES | frozenset({
    "boolean", "integer", "float", "monetary", "date", "datetime", "selection",
    "many2one", "many2many", "one2many", "reference", "many2one_reference",
})

RELATIONAL_TYPES = frozenset({"many2one", "many2many", "one2many"})


@functools.lru_cache(maxsize=4096)
def is_denied_name(name, field_type):
    """Whether a field called ``name`` of ``field_type`` may hold a secret (deny list)."""
    lowered = name.lower()
    if "api_key" in lowered:
        return True
    if DENIED_WORDS.intersection(part for part in re.split(r"[_\W]+", lowered) if part):
        return True
    return field_type in TEXT_TYPES and lowered.endswith(DENIED_TEXT_SUFFIXES)


def plan_field(field):
    """How a written field is recorded: ``"value"``, ``"changed"`` or ``None`` (never).

    Secrets are never recorded. Binary fields, fields restricted to some groups
    (the change log is readable by every internal user), non-stored fields
    (reading their old value would compute it) and types without a documented
    rendering are recorded as changed only.
    """
    if getattr(field, "password", False) or is_denied_name(field.name, field.type):
        return None
    if field.type in CHANGED_ONLY_TYPES or field.type not in VALUE_TYPES:
        return "changed"
    if getattr(field, "groups", None) or not field.store:
        return "changed"
    return "value"


def currency_field_name(records, field):
    """Name of the currency field of monetary ``field`` on ``records``, or None."""
    getter = getattr(field, "get_currency_field", None)
    if getter is not None:
        name = getter(records)
    else:
        name = getattr(field, "currency_field", None) or "currency_id"
    return name if name and name in records._fields else None


def read_raw(record, field, currency_field=None):
    """The raw, JSON-friendly value of ``field`` on ``record`` (read from the ORM cache)."""
    value = record[field.name]
    kind = field.type
    if kind == "many2one":
        return value.id or False
    if kind in ("many2many", "one2many"):
        ids = value.ids
        return [ids[:MAX_RELATED], len(ids)]
    if kind == "monetary":
        currency = record[currency_field].id if currency_field else False
        return [value, currency or False]
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, datetime.date):
        return value.strftime("%Y-%m-%d")
    if kind == "reference" and value:
        return "%s,%s" % (value._name, value.id)
    return value if value is not None else False


class WriteCapture:
    """The old and new raw values of one write call, for every record of the call."""

    __slots__ = ("records", "plans", "currency_fields", "old", "new")

    def __init__(self, records, plans, currency_fields):
        self.records = records
        self.plans = plans  # [(field, "value" | "changed")]
        self.currency_fields = currency_fields  # {field name: currency field name}
        self.old = {}
        self.new = {}

    def read(self):
        """Raw values of the planned fields, keyed by record id then field name."""
        result = {}
        for record in self.records:
            values = result[record.id] = {}
            for field, how in self.plans:
                if how == "value":
                    values[field.name] = read_raw(record, field, self.currency_fields.get(field.name))
        return result

    def pairs(self):
        """``{record id: {field name: [old, new] | None}}``; None means "changed" only."""
        result = {}
        for record_id in self.old:
            old, new = self.old[record_id], self.new.get(record_id, {})
            result[record_id] = {
                field.name: ([old.get(field.name, False), new.get(field.name, False)] if how == "value" else None)
                for field, how in self.plans
            }
        return result


def start_capture(records, field_names):
    """Plan the written fields and read their old values in one batched fetch.

    Returns a WriteCapture, or None when no written field is recorded. Runs
    as superuser: the write itself checks the caller's rights.
    """
    records = records.sudo()
    plans = []
    for name in field_names:
        field = records._fields[name]
        how = plan_field(field)
        if how:
            plans.append((field, how))
    if not plans:
        return None
    currency_fields = {}
    to_fetch = []
    for field, how in plans:
        if how != "value":
            continue
        to_fetch.append(field.name)
        if field.type == "monetary":
            currency = currency_field_name(records, field)
            if currency:
                currency_fields[field.name] = currency
                to_fetch.append(currency)
    capture = WriteCapture(records, plans, currency_fields)
    if to_fetch:
        # one query for the column fields of every record (one more per x2many field)
        records.fetch(to_fetch)
    capture.old = capture.read()
    return capture


def finish_capture(capture):
    """Read the new values (from the cache the write just filled); return the pairs."""
    capture.new = capture.read()
    return capture.pairs()


# ----------------------------------------------------------------------
# Rendering (once per transaction, in the precommit flush)
# ----------------------------------------------------------------------

def cut_text(entry, side, value):
    """Put ``value`` in ``entry[side]``, cut at MAX_TEXT with its length kept."""
    if isinstance(value, str) and len(value) > MAX_TEXT:
        entry[side] = value[:MAX_TEXT]
        entry[side + "_length"] = len(value)
        entry["truncated"] = True
    else:
        entry[side] = value if value not in ("", None) else False


def field_label(field, env):
    """The field's label in the environment's language."""
    try:
        return field._description_string(env)
    except Exception:  # noqa: BLE001 - a label is never worth failing the log for
        return field.string or field.name


def selection_labels(field, env):
    try:
        return dict(field._description_selection(env))
    except Exception:  # noqa: BLE001 - dynamic selections may need a record
        return {}


class Renderer:
    """Renders raw pairs of many rows, resolving names and currencies in batches."""

    def __init__(self, env):
        self.env = env
        self.names = {}  # (model, id) -> display name
        self.currencies = {}  # id -> (ISO code, decimal places)

    def collect(self, model, pairs):
        """Note the ids whose names or currencies the rendering will need."""
        wanted = {}
        for fields_pairs in pairs.values():
            for name, pair in fields_pairs.items():
                if pair is None:
                    continue
                field = model._fields[name]
                for raw in pair:
                    if field.type == "many2one" and raw:
                        wanted.setdefault(field.comodel_name, set()).add(raw)
                    elif field.type in ("many2many", "one2many") and raw:
                        wanted.setdefault(field.comodel_name, set()).update(raw[0])
                    elif field.type == "monetary" and raw and raw[1]:
                        wanted.setdefault("res.currency", set()).add(raw[1])
        return wanted

    def resolve(self, wanted):
        """One existence check and one name read per comodel."""
        for comodel, ids in wanted.items():
            if comodel not in self.env:
                continue
            records = self.env[comodel].sudo().with_context(active_test=False).browse(sorted(ids)).exists()
            for record in records:
                name = record.display_name or ""
                self.names[(comodel, record.id)] = name[:MAX_TEXT]
                if comodel == "res.currency":
                    self.currencies[record.id] = (record.name, record.decimal_places)

    def name(self, comodel, record_id):
        return self.names.get((comodel, record_id), "#%d" % record_id)

    def render_side(self, field, raw, labels):
        kind = field.type
        if kind == "many2one":
            return [raw, self.name(field.comodel_name, raw)] if raw else False
        if kind in ("many2many", "one2many"):
            ids = raw[0] if raw else []
            return [[record_id, self.name(field.comodel_name, record_id)] for record_id in ids]
        if kind == "selection":
            return labels.get(raw, raw) if raw else False
        if kind == "monetary":
            amount, currency_id = raw if raw else (False, False)
            if amount is False or amount is None:
                return False
            code, digits = self.currencies.get(currency_id, ("", 2))
            text = "%.*f" % (digits, amount)
            return "%s %s" % (text, code) if code else text
        if kind == "float":
            if raw is False or raw is None:
                return False
            digits = field.get_digits(self.env) if hasattr(field, "get_digits") else None
            return "%.*f" % (digits[1], raw) if digits else repr(float(raw))
        if kind == "integer":
            return raw if isinstance(raw, int) else False
        if kind == "boolean":
            return bool(raw)
        return raw if raw not in ("", None) else False

    def render(self, model, pairs):
        """``{record id: JSON-ready dict}`` of the value format for ``model``."""
        labels_by_field = {}
        result = {}
        for record_id, fields_pairs in pairs.items():
            rendered = {}
            for name, pair in sorted(fields_pairs.items()):
                field = model._fields[name]
                entry = {"label": field_label(field, self.env), "type": field.type}
                if pair is None:
                    entry["changed"] = True
                else:
                    if field.type == "selection" and name not in labels_by_field:
                        labels_by_field[name] = selection_labels(field, self.env)
                    labels = labels_by_field.get(name, {})
                    for side, raw in zip(("old", "new"), pair):
                        value = self.render_side(field, raw, labels)
                        if field.type in TEXT_TYPES:
                            cut_text(entry, side, value)
                        else:
                            entry[side] = value
                        if field.type in ("many2many", "one2many") and raw and raw[1] > len(raw[0]):
                            entry[side + "_count"] = raw[1]
                rendered[name] = entry
            result[record_id] = rendered
        return result
