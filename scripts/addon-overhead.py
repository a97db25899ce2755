#!/usr/bin/env python3
"""Measure what the auto_webhook addon adds to writes on a real Odoo server.

Usage:
    ODOO_URL=http://localhost:8069 ODOO_DB=db ODOO_LOGIN=admin ODOO_PASSWORD=admin \\
        python3 scripts/addon-overhead.py [--rounds 5] [--writes 20] [--transport jsonrpc|xmlrpc] [--json]

Python standard library only. Talks JSON-RPC (default) or XML-RPC to the server
as the given user, who must be an administrator (the script switches the addon's
settings and puts them back at the end). Needs our addon 18.0.3 / 19.0.3 or later.

What it measures, on 100 scratch res.partner records it creates (and deletes at
the end, with logging off): the wall time of ``write`` of 1 record and of 100
records, in four modes:

- ``untracked``: res.partner removed from the tracked models (the module does
  nothing for it: the baseline "no module");
- ``disabled``: tracked, but every call carries ``auto_webhook_disable`` (the
  wrappers return at once);
- ``values off``: tracked, res.partner in "Models without values" (field names only);
- ``values on``: tracked with old -> new values.

Modes run in blocks (the settings switch reloads the registry of the other
workers, so each block starts with warm-up writes), and the blocks rotate for
``--rounds`` rounds so that drift of a busy machine spreads over every mode. It
prints the median per mode and size and the ratio to ``untracked``; the README
quotes figures taken with this script only.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import socket
import statistics
import sys
import time
import urllib.parse
import xmlrpc.client

MODES = ("untracked", "disabled", "values off", "values on")
SIZES = (1, 100)
WARM_UP_WRITES = 5
SCRATCH_PREFIX = "ocm-overhead"
QUIET = {"auto_webhook_disable": True, "tracking_disable": True}


class OdooError(Exception):
    """An error answered by the server, with its message."""


class JsonRpc:
    """``execute_kw`` over /jsonrpc on one keep-alive connection."""

    def __init__(self, url: str):
        parts = urllib.parse.urlsplit(url)
        connection_class = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        self.connection = connection_class(parts.hostname, parts.port, timeout=300)
        self.path = (parts.path.rstrip("/") or "") + "/jsonrpc"
        self.ids = itertools.count(1)

    def connect(self) -> None:
        self.connection.close()
        self.connection.connect()
        # no Nagle delay on small requests: it would add the same ~40 ms to every mode
        self.connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def post(self, body: bytes) -> bytes:
        for attempt in (1, 2):
            if self.connection.sock is None:
                self.connect()
            try:
                self.connection.request("POST", self.path, body, {"Content-Type": "application/json"})
                return self.connection.getresponse().read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.connection.close()  # the server closed the kept-alive connection: once more
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def call(self, service: str, method: str, *args):
        body = json.dumps({"jsonrpc": "2.0", "method": "call", "id": next(self.ids),
                           "params": {"service": service, "method": method, "args": list(args)}})
        answer = json.loads(self.post(body.encode()))
        if "error" in answer:
            data = answer["error"].get("data", {})
            raise OdooError(data.get("message") or answer["error"].get("message"))
        return answer["result"]


class XmlRpc:
    """``execute_kw`` over /xmlrpc/2 (the transport keeps its connection open)."""

    def __init__(self, url: str):
        self.url = url.rstrip("/")
        self.proxies = {}

    def call(self, service: str, method: str, *args):
        proxy = self.proxies.get(service)
        if proxy is None:
            proxy = self.proxies[service] = xmlrpc.client.ServerProxy(f"{self.url}/xmlrpc/2/{service}", allow_none=False)
        try:
            return getattr(proxy, method)(*args)
        except xmlrpc.client.Fault as fault:
            raise OdooError(fault.faultString.strip().splitlines()[-1]) from None


class Server:
    """The user's session on one database."""

    def __init__(self, transport, database: str, login: str, password: str):
        self.transport = transport
        self.database = database
        self.password = password
        self.uid = transport.call("common", "login", database, login, password)
        if not self.uid:
            raise OdooError(f"login {login!r} on database {database!r} was refused: check ODOO_LOGIN/ODOO_PASSWORD")

    def execute(self, model: str, method: str, *args, **kwargs):
        return self.transport.call("object", "execute_kw", self.database, self.uid, self.password,
                                   model, method, list(args), kwargs)


def settings(server: Server, tracked: list[str], without_values: list[str]) -> None:
    """Switch the addon's model lists through the settings, as an administrator would."""
    def model_ids(names):
        return server.execute("ir.model", "search", [("model", "in", names)]) if names else []

    record = server.execute("res.config.settings", "create", {
        "auto_webhook_model_ids": [[6, 0, model_ids(tracked)]],
        "auto_webhook_no_values_model_ids": [[6, 0, model_ids(without_values)]],
    })
    server.execute("res.config.settings", "execute", [record])


def current_lists(server: Server) -> tuple[list[str], list[str]]:
    record = server.execute("res.config.settings", "default_get",
                            ["auto_webhook_model_ids", "auto_webhook_no_values_model_ids"])

    def names(command_or_ids):
        ids = command_or_ids
        if command_or_ids and isinstance(command_or_ids[0], (list, tuple)):
            ids = [record_id for command in command_or_ids if command[0] == 6 for record_id in command[2]]
        rows = server.execute("ir.model", "read", ids, ["model"]) if ids else []
        return [row["model"] for row in rows]

    return names(record.get("auto_webhook_model_ids") or []), names(record.get("auto_webhook_no_values_model_ids") or [])


def timed_write(server: Server, ids: list[int], values: dict, context: dict) -> float:
    start = time.perf_counter()
    server.execute("res.partner", "write", ids, values, context=context)
    return time.perf_counter() - start


def run(server: Server, rounds: int, writes: int) -> dict:
    try:
        version = server.execute("update.webhook", "protocol_version")
    except OdooError as error:
        raise OdooError("update.webhook.protocol_version is missing: install our auto_webhook 18.0.3 / 19.0.3 "
                        f"or later on this database ({error})") from None
    tracked, without_values = current_lists(server)
    others = [name for name in tracked if name != "res.partner"]
    partner_tracked = others + ["res.partner"]
    plain_without = [name for name in without_values if name != "res.partner"]
    lists = {
        "untracked": (others, plain_without),
        "disabled": (partner_tracked, plain_without),
        "values off": (partner_tracked, plain_without + ["res.partner"]),
        "values on": (partner_tracked, plain_without),
    }
    ids = server.execute("res.partner", "create",
                         [{"name": f"{SCRATCH_PREFIX} {index}"} for index in range(max(SIZES))], context=QUIET)
    samples = {(mode, size): [] for mode in MODES for size in SIZES}
    counter = itertools.count()
    try:
        for round_number in range(rounds):
            order = MODES[round_number % len(MODES):] + MODES[:round_number % len(MODES)]
            for mode in order:
                settings(server, *lists[mode])
                context = dict(QUIET, auto_webhook_disable=mode == "disabled")
                for _ in range(WARM_UP_WRITES):
                    timed_write(server, ids[:1], {"function": f"warm {next(counter)}"}, context)
                for _ in range(writes):
                    for size in SIZES:
                        value = {"function": f"{SCRATCH_PREFIX} {next(counter)}", "phone": str(next(counter))}
                        samples[(mode, size)].append(timed_write(server, ids[:size], value, context))
                print(f"round {round_number + 1}/{rounds}: {mode} done", file=sys.stderr)
    finally:
        settings(server, tracked, without_values)
        server.execute("res.partner", "unlink", ids, context=QUIET)
    result = {"protocol_version": version, "rounds": rounds, "writes_per_round": writes, "modes": {}}
    for size in SIZES:
        base = statistics.median(samples[("untracked", size)])
        for mode in MODES:
            median = statistics.median(samples[(mode, size)])
            result["modes"].setdefault(mode, {})[str(size)] = {
                "median_ms": round(median * 1000, 3),
                "ratio_to_untracked": round(median / base, 4),
                "overhead_percent": round((median / base - 1) * 100, 2),
                "samples": len(samples[(mode, size)]),
            }
    return result


def print_table(result: dict) -> None:
    print(f"{'mode':<12} {'records':>7} {'median ms':>10} {'ratio':>7} {'overhead':>9}")
    for mode in MODES:
        for size in SIZES:
            row = result["modes"][mode][str(size)]
            print(f"{mode:<12} {size:>7} {row['median_ms']:>10.3f} {row['ratio_to_untracked']:>7.4f} "
                  f"{row['overhead_percent']:>+8.2f}%")


def main(arguments: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="rotations over the four modes (default 5)")
    parser.add_argument("--writes", type=int, default=20, help="timed writes per size, mode and round (default 20)")
    parser.add_argument("--transport", choices=("jsonrpc", "xmlrpc"), default="jsonrpc")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    options = parser.parse_args(arguments)
    missing = [name for name in ("ODOO_URL", "ODOO_DB", "ODOO_LOGIN", "ODOO_PASSWORD") if not os.environ.get(name)]
    if missing:
        print(f"Set {', '.join(missing)} (the server, database and an administrator's login) and run again.",
              file=sys.stderr)
        return 2
    transport = (JsonRpc if options.transport == "jsonrpc" else XmlRpc)(os.environ["ODOO_URL"])
    try:
        server = Server(transport, os.environ["ODOO_DB"], os.environ["ODOO_LOGIN"], os.environ["ODOO_PASSWORD"])
        result = run(server, options.rounds, options.writes)
    except (OdooError, OSError) as error:
        print(f"addon-overhead: {error}", file=sys.stderr)
        return 1
    result["transport"] = options.transport
    if options.json:
        print(json.dumps(result, indent=2))
    else:
        print_table(result)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
