"""Public portal speed (issue 13): the static export of a database's public portal (bar < 10 min) and
requests per second of a cached page through the whole Django stack (bar ≥ 500 req/s).

    SHANHAI_VAR_DIR=/tmp/portal-bench .venv/bin/python benchmarks/portal_speed.py [--publish-all] [--seconds 10]

Run it on a copy of a database (it marks programmes public with --publish-all). Requests are made
in-process with Django's test client (middleware, cache, ETag handling; no socket, one process), so
the figure is the application's own cost per cached page, not a load test of gunicorn.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--publish-all", action="store_true", help="mark every programme public first")
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shanhai.settings.dev")
    import django

    django.setup()
    from django.test import Client

    from shanhai.network.models import Programme
    from shanhai.portal import selectors
    from shanhai.portal.publish import public_paths, publish
    from shanhai.portal.services import programme_publish

    if args.publish_all:
        for p in Programme.objects.all():
            programme_publish(None, p)
    progs = selectors.public_programmes()
    print(f"public programmes: {len(progs)}; approved years: "
          f"{ {p.name: selectors.published_years(p) for p in progs} }; paths: {len(public_paths())}")
    with tempfile.TemporaryDirectory() as tmp:
        done = publish(Path(tmp) / "site")
        print(f"static export: {done.files} files, {done.bytes / 1e6:.1f} MB in {done.seconds:.1f} s (bar < 600 s)")
    client = Client()
    for path in ("/public/", f"/public/{progs[0].pk}/" if progs else "/public/data/"):
        client.get(path)  # fill the cache
        n, start = 0, time.perf_counter()
        while time.perf_counter() - start < args.seconds:
            assert client.get(path).status_code == 200
            n += 1
        rate = n / (time.perf_counter() - start)
        print(f"{path}: {rate:.0f} requests/s from cache, one process (bar ≥ 500)")


if __name__ == "__main__":
    main()
