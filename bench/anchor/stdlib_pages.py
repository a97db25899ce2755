#!/usr/bin/env python3
"""The anchor of the sync benchmark: the plainest client a user could write with Python's standard
library, paging update.webhook by id and storing nothing.

    python3 stdlib_pages.py xmlrpc|jsonrpc URL DB LOGIN PASSWORD [PAGE_SIZE] [MAX_PAGES]

xmlrpc: xmlrpc.client.ServerProxy on /xmlrpc/2/object (its transport keeps the connection alive).
jsonrpc: urllib.request + json on /jsonrpc (one connection per request, as urlopen does).
Pages: domain [('id', '>', last)], order 'id asc', fields model, record_id, event, timestamp.
Prints one JSON line: rows, pages, wall seconds, and this process's own CPU seconds (user, system).
Logging in is not timed.
"""
import json
import resource
import sys
import time
import urllib.request
import xmlrpc.client

FIELDS = ["model", "record_id", "event", "timestamp"]


def xmlrpc_client(url, db, login, password):
    uid = xmlrpc.client.ServerProxy(url + "/xmlrpc/2/common").authenticate(db, login, password, {})
    if not uid:
        raise SystemExit("login refused for %s on %s" % (login, db))
    models = xmlrpc.client.ServerProxy(url + "/xmlrpc/2/object")

    def page(last, limit):
        return models.execute_kw(db, uid, password, "update.webhook", "search_read", [[["id", ">", last]]], {"fields": FIELDS, "limit": limit, "order": "id asc"})

    return page


def jsonrpc_client(url, db, login, password):
    endpoint = url + "/jsonrpc"

    def call(service, method, *args):
        body = json.dumps({"jsonrpc": "2.0", "method": "call", "id": 1, "params": {"service": service, "method": method, "args": args}}).encode()
        request = urllib.request.Request(endpoint, data=body, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request) as response:
            answer = json.loads(response.read())
        if "error" in answer:
            raise SystemExit(json.dumps(answer["error"])[:2000])
        return answer["result"]

    uid = call("common", "authenticate", db, login, password, {})
    if not uid:
        raise SystemExit("login refused for %s on %s" % (login, db))

    def page(last, limit):
        return call("object", "execute_kw", db, uid, password, "update.webhook", "search_read", [[["id", ">", last]]], {"fields": FIELDS, "limit": limit, "order": "id asc"})

    return page


def main():
    if len(sys.argv) < 6 or sys.argv[1] not in ("xmlrpc", "jsonrpc"):
        raise SystemExit(__doc__)
    transport, url, db, login, password = sys.argv[1:6]
    page_size = int(sys.argv[6]) if len(sys.argv) > 6 else 5000
    max_pages = int(sys.argv[7]) if len(sys.argv) > 7 else 0
    page = (xmlrpc_client if transport == "xmlrpc" else jsonrpc_client)(url.rstrip("/"), db, login, password)
    before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    last = 0
    rows = 0
    pages = 0
    while True:
        records = page(last, page_size)
        pages += 1
        rows += len(records)
        if records:
            last = records[-1]["id"]
        if len(records) < page_size or (max_pages and pages >= max_pages):
            break
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({"transport": transport, "rows": rows, "pages": pages, "seconds": seconds, "user": after.ru_utime - before.ru_utime, "system": after.ru_stime - before.ru_stime}))


if __name__ == "__main__":
    main()
