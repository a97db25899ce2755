import datetime
import json
import logging
from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from . import log_tables, pending, tracking, values

_logger = logging.getLogger(__name__)

EVENTS = [("create", "Create"), ("write", "Write"), ("unlink", "Unlink")]

#: Version of the app <-> addon contract (docs/addon-protocol.md) this module speaks.
PROTOCOL_VERSION = 2

# PostgreSQL error codes of concurrency conflicts (lock not available,
# serialization failure, deadlock). They are not logging failures: Odoo retries
# the whole request on them, so they must reach it instead of being swallowed.
CONCURRENCY_ERROR_CODES = frozenset({"55P03", "40001", "40P01"})

#: Savepoint around the log statement: a failing statement never aborts the business transaction.
SAVEPOINT = "auto_webhook_log"

# One statement for every row of a transaction, whatever the number of records
# and models. A repeated event refreshes the row (timestamp, counter, user);
# changed_fields accumulates names, changed_values is merged by field (jsonb ||:
# a field written again gets its new pair, the others keep theirs).
LOG_SQL = """
INSERT INTO update_webhook AS log
    (model, record_id, event, timestamp, change_count, user_id, changed_fields, changed_values,
     create_uid, create_date, write_uid, write_date)
SELECT entry.model, entry.record_id, entry.event, entry.moment, entry.times, entry.uid,
       entry.field_names, entry.pairs, entry.uid, entry.moment, entry.uid, entry.moment
  FROM unnest(%(models)s::varchar[], %(ids)s::int[], %(events)s::varchar[], %(moments)s::timestamp[],
              %(counts)s::int[], %(uids)s::int[], %(fields)s::varchar[], %(values)s::text[])
       AS entry(model, record_id, event, moment, times, uid, field_names, pairs)
ON CONFLICT (model, record_id, event) DO UPDATE SET
    timestamp = EXCLUDED.timestamp,
    change_count = log.change_count + EXCLUDED.change_count,
    user_id = EXCLUDED.user_id,
    changed_fields = NULLIF(array_to_string(ARRAY(
        SELECT DISTINCT name
          FROM unnest(string_to_array(COALESCE(log.changed_fields, ''), ',')
                      || string_to_array(COALESCE(EXCLUDED.changed_fields, ''), ',')) AS name
         WHERE name <> ''
         ORDER BY name), ','), ''),
    changed_values = CASE
        WHEN EXCLUDED.changed_values IS NULL THEN log.changed_values
        WHEN log.changed_values IS NULL THEN EXCLUDED.changed_values
        ELSE (log.changed_values::jsonb || EXCLUDED.changed_values::jsonb)::text
    END,
    write_uid = EXCLUDED.write_uid,
    write_date = EXCLUDED.write_date
"""

# Columns the statement above may change on rows the ORM has in its cache.
REFRESHED_FIELDS = [
    "timestamp", "change_count", "user_id", "changed_fields", "changed_values", "write_uid", "write_date",
]

# The idle-poll state in one statement.
STATE_SQL = """
SELECT (SELECT token FROM update_webhook_log_state LIMIT 1),
       (SELECT COALESCE(max(id), 0) FROM update_webhook),
       (SELECT count(*) FROM update_webhook),
       (SELECT ARRAY[model, record_id::varchar, event] FROM update_webhook WHERE id = %(cursor)s),
       (SELECT COALESCE(max(id), 0) FROM update_webhook_tombstone),
       (SELECT COALESCE(min(id), 0) FROM update_webhook_tombstone),
       ARRAY(SELECT ARRAY[id, row_id] FROM update_webhook_tombstone
              WHERE id > %(tombstone_cursor)s ORDER BY id LIMIT %(tombstone_limit)s)
"""

# Count, id sum and record_id sum of many id ranges in one statement.
DIGEST_SQL = """
SELECT count(log.id), COALESCE(sum(log.id), 0), COALESCE(sum(log.record_id), 0)
  FROM unnest(%(lows)s::int[], %(highs)s::int[]) WITH ORDINALITY AS bound(low, high, position)
  LEFT JOIN update_webhook log ON log.id BETWEEN bound.low AND bound.high
 GROUP BY bound.position
 ORDER BY bound.position
"""

#: Most tombstones one sync_state answer carries.
TOMBSTONE_LIMIT = 10000
#: Most refreshed rows one sync_state answer carries when no limit is given.
REFRESHED_LIMIT = 1000
#: Most id ranges one digest call accepts.
DIGEST_RANGE_LIMIT = 1000
#: Largest integer XML-RPC carries as <int>; larger sums are sent as numbers with a fraction part.
XMLRPC_INT_MAX = 2**31 - 1


def error_code(error):
    """The SQLSTATE of a database error (psycopg2 ``pgcode``, psycopg 3 ``sqlstate``), or None."""
    return getattr(error, "pgcode", None) or getattr(error, "sqlstate", None)


def single_round_trip(cr):
    """Whether the driver accepts several statements with parameters in one execute (psycopg2 does)."""
    driver = type(getattr(cr, "_obj", None)).__module__ or ""
    return driver.startswith("psycopg2")


def rpc_number(value):
    """``value`` as an int when XML-RPC can carry it, else as a float (exact below 2**53)."""
    return int(value) if -XMLRPC_INT_MAX - 1 <= value <= XMLRPC_INT_MAX else float(value)


def json_ready(rows):
    """search_read rows with datetimes as 'YYYY-MM-DD HH:MM:SS' strings and tuples as lists."""
    for row in rows:
        for key, value in row.items():
            if isinstance(value, datetime.datetime):
                row[key] = fields.Datetime.to_string(value)
            elif isinstance(value, datetime.date):
                row[key] = fields.Date.to_string(value)
            elif isinstance(value, tuple):
                row[key] = list(value)
    return rows


def row_names(env, rows):
    """Display names of log rows: "Contact #62 · write" (model label, record id, event)."""
    model_names = {row.model for row in rows if row.model}
    labels = {}
    if model_names:
        for model in env["ir.model"].sudo().search([("model", "in", sorted(model_names))]):
            labels[model.model] = model.name
    names = {}
    for row in rows:
        label = labels.get(row.model, row.model or "?")
        name = "%s #%s" % (label, row.record_id or 0)
        names[row.id] = "%s · %s" % (name, row.event) if row.event else name
    return names


class UpdateWebhook(models.Model):
    _name = "update.webhook"
    _description = "Webhook Update"
    _order = "timestamp desc"
    _rec_name = "model"

    model = fields.Char(string="Model", required=True)
    record_id = fields.Integer(string="Record ID", required=True, aggregator=False)
    event = fields.Selection(EVENTS, string="Event", required=True)
    timestamp = fields.Datetime(
        string="Timestamp", required=True, readonly=True, index=True, default=fields.Datetime.now
    )
    change_count = fields.Integer(
        string="Change Count", default=1, readonly=True,
        help="How many times this event happened to the record since the row was created.",
    )
    user_id = fields.Many2one(
        "res.users", string="User", ondelete="set null", readonly=True,
        help="The user who made the latest change.",
    )
    changed_fields = fields.Char(
        string="Changed Fields", readonly=True,
        help="Comma-separated names of the fields written since the row was created (writes only).",
    )
    changed_values = fields.Text(
        string="Changed Values", readonly=True,
        help="Writes only: JSON object of the old and new value of each changed field.",
    )
    record_exists = fields.Boolean(
        string="Record Exists", compute="_compute_record_exists",
        help="Whether the changed record still exists.",
    )

    _sql_constraints = [
        (
            "unique_model_record_event",
            "unique(model, record_id, event)",
            "There is already a change-log row for this record and event.",
        ),
    ]

    def init(self):
        super().init()
        log_tables.ensure(self.env.cr)

    @api.depends("model", "record_id", "event")
    def _compute_display_name(self):
        names = row_names(self.env, self)
        for row in self:
            row.display_name = names[row.id]

    @api.depends("model", "record_id")
    def _compute_record_exists(self):
        ids_by_model = defaultdict(set)
        for row in self:
            if row.model and row.record_id:
                ids_by_model[row.model].add(row.record_id)
        existing = set()
        for model_name, record_ids in ids_by_model.items():
            if model_name in self.env and not self.env[model_name]._abstract:
                Model = self.env[model_name].sudo().with_context(active_test=False)
                existing.update((model_name, record.id) for record in Model.browse(sorted(record_ids)).exists())
        for row in self:
            row.record_exists = (row.model, row.record_id) in existing

    def action_open_record(self):
        """Open the changed record in its form view."""
        self.ensure_one()
        if not self.record_exists:
            raise UserError(_("%(row)s: the record no longer exists.", row=self.display_name))
        return {
            "type": "ir.actions.act_window",
            "res_model": self.model,
            "res_id": self.record_id,
            "views": [[False, "form"]],
            "target": "current",
        }

    # ------------------------------------------------------------------
    # Registry hooks: patch the tracked models
    # ------------------------------------------------------------------

    def _register_hook(self):
        super()._register_hook()
        tracked = tracking.apply_tracking(
            self.env.registry, self._get_tracked_model_names(), self._get_models_without_values()
        )
        _logger.info("auto_webhook: tracking %s", ", ".join(tracked) or "no model")

    def _unregister_hook(self):
        tracking.remove_tracking(self.env.registry)
        super()._unregister_hook()

    @api.model
    def _get_tracked_model_names(self):
        """Return the configured model names (installed or not)."""
        value = self.env["ir.config_parameter"].sudo().get_param(tracking.TRACKED_MODELS_PARAM)
        return tracking.parse_model_names(value)

    @api.model
    def _get_models_without_values(self):
        """Return the names of the models whose writes log field names only."""
        value = self.env["ir.config_parameter"].sudo().get_param(tracking.NO_VALUES_MODELS_PARAM)
        return tracking.parse_optional_model_names(value)

    @api.model
    def _set_tracked_model_names(self, names):
        """Store the tracked models, patch this process, and signal the other workers.

        Returns True when the configuration changed.
        """
        return self._store_model_list(tracking.TRACKED_MODELS_PARAM, names, tracking.parse_model_names)

    @api.model
    def _set_models_without_values(self, names):
        """Store the models whose values are not recorded; applied like the tracked models."""
        return self._store_model_list(tracking.NO_VALUES_MODELS_PARAM, names, tracking.parse_optional_model_names)

    @api.model
    def _store_model_list(self, key, names, parse):
        value = tracking.format_model_names(names)
        parameters = self.env["ir.config_parameter"].sudo()
        current = parameters.get_param(key)
        if parse(current) == parse(value):
            return False  # same list (a missing parameter reads as its default)
        parameters.set_param(key, value)
        tracked = tracking.apply_tracking(
            self.env.registry, self._get_tracked_model_names(), self._get_models_without_values()
        )
        _logger.info("auto_webhook: settings changed, now tracking %s", ", ".join(tracked) or "no model")
        # at the end of the request the other workers are told to reload the
        # registry, which runs _register_hook with the new value there; if the
        # transaction fails, Odoo resets this registry from the committed value
        self.env.registry.registry_invalidated = True
        return True

    # ------------------------------------------------------------------
    # Logging: rows gathered per transaction, written by one statement
    # ------------------------------------------------------------------

    @api.model
    def _log_changes(self, model_name, record_ids, event, changed_fields=None):
        """Log ``event`` for every id in ``record_ids`` of ``model_name`` now (one statement)."""
        rows = pending.PendingLog()
        rows.add(model_name, sorted(set(record_ids)), event, self.env.uid, changed_fields or ())
        self._flush_pending(rows)

    @api.model
    def _flush_transaction_rows(self):
        """Write the rows this transaction logged so far (before reading the log in it)."""
        rows = pending.take_pending_log(self.env)
        if rows is not None and (rows.rows or rows.failures):
            self.sudo()._flush_pending(rows)

    @api.model
    def _flush_pending(self, rows):
        """Write a transaction's pending rows; never let a logging failure escape.

        Renders the captured values, then runs the single log statement inside
        a savepoint (sent together with SAVEPOINT and RELEASE in one round trip
        where the driver allows it). A failure is rolled back to the savepoint,
        written to webhook.errors and to the server log, and the business
        transaction goes on. Concurrency conflicts are re-raised so Odoo retries
        the whole request (see CONCURRENCY_ERROR_CODES).
        """
        failures = list(rows.failures)
        keys = rows.sorted_keys()
        if keys:
            rendered = self._render_pending(rows, keys, failures)
            params = self._log_params(rows, keys, rendered)
            try:
                self._execute_in_savepoint(self._log_statement(), params)
            except Exception as error:
                if error_code(error) in CONCURRENCY_ERROR_CODES:
                    raise
                _logger.exception("auto_webhook: could not log %d change(s)", len(keys))
                by_call = defaultdict(list)
                for model_name, record_id, event in keys:
                    by_call[(model_name, event)].append(record_id)
                failures.extend((model, ids, event, error) for (model, event), ids in by_call.items())
            else:
                self.invalidate_model(REFRESHED_FIELDS)
        for model_name, record_ids, event, error in failures:
            self.env["webhook.errors"]._record_failure(model_name, sorted(record_ids), event, error)

    @api.model
    def _log_statement(self):
        """The SQL that writes the rows (a method, so tests can make it fail)."""
        return LOG_SQL

    @api.model
    def _execute_in_savepoint(self, statement, params):
        cr = self.env.cr
        if not single_round_trip(cr):
            with cr.savepoint(flush=False):
                cr.execute(statement, params)
            return
        try:
            cr.execute(
                "SAVEPOINT %s; %s; RELEASE SAVEPOINT %s" % (SAVEPOINT, statement, SAVEPOINT),
                params, log_exceptions=False,
            )
        except Exception:
            try:
                cr.execute("ROLLBACK TO SAVEPOINT %s; RELEASE SAVEPOINT %s" % (SAVEPOINT, SAVEPOINT))
            except Exception:  # noqa: BLE001 - the transaction was already broken: report the first error
                _logger.exception("auto_webhook: could not roll back the log savepoint")
            raise

    @api.model
    def _render_pending(self, rows, keys, failures):
        """``{key: JSON text}`` of the rows with captured values; failures are appended."""
        by_model = defaultdict(dict)
        for key in keys:
            row = rows.rows[key]
            if row.values:
                by_model[key[0]][key] = row.values
        rendered = {}
        if not by_model:
            return rendered
        renderer = values.Renderer(self.env)
        for model_name, pairs_by_key in by_model.items():
            try:
                model = self.env[model_name]
                by_record = {key[1]: record_pairs for key, record_pairs in pairs_by_key.items()}
                renderer.resolve(renderer.collect(model, by_record))
                for record_id, entries in renderer.render(model, by_record).items():
                    if entries:
                        rendered[(model_name, record_id, "write")] = json.dumps(
                            entries, ensure_ascii=False, separators=(",", ":"), sort_keys=True, default=str,
                        )
            except Exception as error:  # noqa: BLE001 - the rows are still logged, without values
                _logger.exception("auto_webhook: could not render the values of %s", model_name)
                failures.append((model_name, [key[1] for key in pairs_by_key], "write", error))
        return rendered

    @api.model
    def _log_params(self, rows, keys, rendered):
        columns = {name: [] for name in ("models", "ids", "events", "moments", "counts", "uids", "fields", "values")}
        for key in keys:
            row = rows.rows[key]
            columns["models"].append(key[0])
            columns["ids"].append(key[1])
            columns["events"].append(key[2])
            columns["moments"].append(row.moment)
            columns["counts"].append(row.count)
            columns["uids"].append(row.uid)
            columns["fields"].append(",".join(sorted(row.fields)) if row.fields else None)
            columns["values"].append(rendered.get(key))
        return columns

    # ------------------------------------------------------------------
    # Protocol 2 (docs/addon-protocol.md): public, JSON-serialisable
    # ------------------------------------------------------------------

    @api.model
    def protocol_version(self):
        """The version of the app <-> addon contract this module speaks: 2."""
        return PROTOCOL_VERSION

    @api.model
    def sync_state(self, cursor=0, limit=0, fields=False, tombstone_cursor=0, refreshed_since=False):
        """Everything an idle poll needs, in one call.

        :param int cursor: the highest update.webhook id the caller has
        :param int limit: also return up to this many rows with ``id > cursor`` (0: none)
        :param list fields: fields of the returned rows (default: every stored field but changed_values)
        :param int tombstone_cursor: the highest tombstone id the caller has seen
        :param str refreshed_since: naive UTC 'YYYY-MM-DD HH:MM:SS': also return rows with
            ``id <= cursor`` refreshed since then
        :return: dict with log, max_id, count, cursor_row, tombstone_id, tombstone_floor,
            tombstones, tombstone_more, tombstone_last, error_max_id, rows, refreshed
            (see docs/addon-protocol.md)
        """
        self.check_access("read")
        cursor = self._whole_number("cursor", cursor)
        limit = self._whole_number("limit", limit)
        tombstone_cursor = self._whole_number("tombstone_cursor", tombstone_cursor)
        since = self._parse_since(refreshed_since)
        field_names = self._sync_field_names(fields)
        self._flush_transaction_rows()
        self.flush_model()
        self.env.cr.execute(STATE_SQL, {
            "cursor": cursor, "tombstone_cursor": tombstone_cursor, "tombstone_limit": TOMBSTONE_LIMIT + 1,
        })
        token, max_id, count, cursor_row, tombstone_id, tombstone_floor, tombstone_pairs = self.env.cr.fetchone()
        # [tombstone id, log row id] pairs: the caller continues from the last tombstone id it received.
        page = (tombstone_pairs or [])[:TOMBSTONE_LIMIT]
        rows = refreshed = []
        if limit:
            rows = self.search_read([("id", ">", cursor)], field_names, limit=limit, order="id asc")
        if since:
            refreshed = self.search_read(
                [("id", "<=", cursor), ("timestamp", ">=", since)], field_names,
                limit=limit or REFRESHED_LIMIT, order="timestamp asc, id asc",
            )
        return {
            "log": token or "",
            "max_id": max_id,
            "count": count,
            "cursor_row": [cursor_row[0], int(cursor_row[1]), cursor_row[2]] if cursor_row else False,
            "tombstone_id": tombstone_id,
            "tombstone_floor": tombstone_floor,
            "tombstones": [row_id for _tombstone_id, row_id in page],
            "tombstone_more": len(tombstone_pairs or []) > TOMBSTONE_LIMIT,
            "tombstone_last": page[-1][0] if page else tombstone_cursor,
            "error_max_id": self._error_max_id(),
            "rows": json_ready(rows),
            "refreshed": json_ready(refreshed),
        }

    @api.model
    def digest(self, ranges):
        """``[count, id_sum, record_id_sum]`` of each ``[from_id, to_id]`` range, from one statement.

        :param list ranges: at most 1,000 inclusive ``[from_id, to_id]`` pairs
        :return: one triple per range, in order
        """
        self.check_access("read")
        if not isinstance(ranges, (list, tuple)):
            raise UserError(_("ranges must be a list of [from_id, to_id] pairs, not %(value)r.", value=ranges))
        if len(ranges) > DIGEST_RANGE_LIMIT:
            raise UserError(_("digest accepts at most %(limit)s ranges per call, got %(count)s: split the call.",
                              limit=DIGEST_RANGE_LIMIT, count=len(ranges)))
        lows, highs = [], []
        for bounds in ranges:
            if not isinstance(bounds, (list, tuple)) or len(bounds) != 2:
                raise UserError(_("Each range must be a [from_id, to_id] pair, not %(value)r.", value=bounds))
            lows.append(self._whole_number("from_id", bounds[0]))
            highs.append(self._whole_number("to_id", bounds[1]))
        if not ranges:
            return []
        self._flush_transaction_rows()
        self.flush_model()
        self.env.cr.execute(DIGEST_SQL, {"lows": lows, "highs": highs})
        return [[count, rpc_number(id_sum), rpc_number(record_sum)]
                for count, id_sum, record_sum in self.env.cr.fetchall()]

    @api.model
    def _whole_number(self, name, value):
        """``value`` if it is an integer >= 0, else a UserError that says so (translated: called on a model)."""
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise UserError(_("%(argument)s must be a whole number of 0 or more, not %(value)r.",
                              argument=name, value=value))
        return value

    @api.model
    def _sync_field_names(self, names):
        if not names:
            return [name for name, field in self._fields.items() if field.store and name != "changed_values"]
        if not isinstance(names, (list, tuple)) or not all(isinstance(name, str) for name in names):
            raise UserError(_("fields must be a list of field names, not %(value)r.", value=names))
        unknown = [name for name in names if name not in self._fields]
        if unknown:
            raise UserError(_("update.webhook has no field %(names)s.", names=", ".join(unknown)))
        return list(names)

    @api.model
    def _parse_since(self, value):
        if not value:
            return False
        try:
            return fields.Datetime.to_datetime(value)
        except (TypeError, ValueError):
            raise UserError(_("refreshed_since must be a UTC date and time 'YYYY-MM-DD HH:MM:SS', not %(value)r.",
                              value=value)) from None

    @api.model
    def _error_max_id(self):
        errors = self.env["webhook.errors"]
        if not errors.has_access("read"):
            return 0
        return errors.search([], order="id desc", limit=1).id or 0
