"""Log rows gathered during a transaction and written once, just before it commits.

A logged create/write/unlink call only adds its records here (no SQL). The
first call of a transaction registers one precommit hook on the cursor, the
mechanism Odoo's own mail tracking uses: it runs when the cursor is flushed
(before COMMIT, before a flushing savepoint, and at the end of every RPC
request, inside Odoo's retry loop), and the cursor clears it on rollback or
when a flushing savepoint is rolled back. The hook writes every pending row
in one statement (see update_webhook.UpdateWebhook._flush_pending).
"""

import datetime
import itertools

#: Key of the pending rows in ``cr.precommit.data``.
PENDING_KEY = "auto_webhook.pending"


#: Order in which value captures start; a write nested in another (an override
#: writing the same record) starts later but is added first.
_capture_starts = itertools.count()


def next_capture_start():
    """A number that orders the start of value captures."""
    return next(_capture_starts)


class PendingRow:
    """One (model, record, event) row of the transaction, merged over its calls."""

    __slots__ = ("count", "moment", "uid", "fields", "values", "starts")

    def __init__(self):
        self.count = 0
        self.moment = None
        self.uid = None
        self.fields = set()
        self.values = None  # {field name: [old, new] | None} of writes with values on
        self.starts = None  # {field name: capture start of the pair's old value}


class PendingLog:
    """The rows and the value-capture failures of one transaction."""

    __slots__ = ("rows", "failures")

    def __init__(self):
        self.rows = {}  # (model, record_id, event) -> PendingRow
        self.failures = []  # (model, record ids, event, error)

    def add(self, model_name, record_ids, event, uid, field_names=(), pairs=None, started=None):
        """Merge one call's records into the pending rows.

        ``pairs`` maps record ids to ``{field: [old, new] | None}``, captured
        by a capture that began at ``started`` (next_capture_start). A field
        written again keeps the old value of the capture that began first (the
        value before the transaction touched it, also when one write runs
        inside another) and the new value of the call added last (the latest).
        """
        moment = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
        if started is None:
            started = next_capture_start()
        for record_id in record_ids:
            row = self.rows.get((model_name, record_id, event))
            if row is None:
                row = self.rows[(model_name, record_id, event)] = PendingRow()
            row.count += 1
            row.moment = moment
            row.uid = uid
            row.fields.update(field_names)
            record_pairs = pairs.get(record_id) if pairs else None
            if record_pairs:
                if row.values is None:
                    row.values, row.starts = {}, {}
                for name, pair in record_pairs.items():
                    earlier = row.values.get(name)
                    start = started
                    if pair is not None and earlier is not None and row.starts[name] < started:
                        pair, start = [earlier[0], pair[1]], row.starts[name]
                    row.values[name] = pair
                    row.starts[name] = start

    def sorted_keys(self):
        """Row keys in one fixed order, so concurrent flushes lock rows in the same order."""
        return sorted(self.rows)


def pending_log(env, flush):
    """The PendingLog of ``env``'s transaction; registers ``flush(pending)`` on first use."""
    data = env.cr.precommit.data
    pending = data.get(PENDING_KEY)
    if pending is None:
        pending = data[PENDING_KEY] = PendingLog()

        def run_flush():
            # pop first: rows logged while flushing start a new batch and hook
            current = data.pop(PENDING_KEY, None)
            if current is not None and (current.rows or current.failures):
                flush(current)

        env.cr.precommit.add(run_flush)
    return pending


def take_pending_log(env):
    """Remove and return the transaction's pending rows (None when there are none)."""
    return env.cr.precommit.data.pop(PENDING_KEY, None)
