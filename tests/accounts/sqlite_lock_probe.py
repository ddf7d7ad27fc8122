"""Run by test_sqlite_writer_lock.py in a subprocess against a real SQLite file (WAL, IMMEDIATE writers).

An import is written in one thread and, through its in-transaction hook, keeps the write lock for
HOLD seconds, as a long import's write phase does. Meanwhile the main thread logs in through the
test client, opens a page, and checks (dry run) another file on both import paths. Prints one JSON
line of measured times. Needs DATABASE_URL=sqlite:////…, SHANHAI_VAR_DIR and DJANGO_SETTINGS_MODULE.
"""

import csv
import json
import os
import sqlite3
import sys
import threading
import time
from pathlib import Path

HOLD = float(os.environ.get("PROBE_HOLD_SECONDS", "5"))


def main() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection, connections
    from django.test import Client

    from shanhai.regions.services import regions_load
    from shanhai.transfer.engine import import_file
    from tests.factories import PairingFactory, ProgrammeFactory

    db_path = settings.DATABASES["default"]["NAME"]
    call_command("migrate", verbosity=0)
    regions_load()
    PairingFactory(programme=ProgrammeFactory(name="东西部协作（2021—2025年）"))
    User.objects.create_superuser("officer", password="correct horse battery")
    var = Path(os.environ["SHANHAI_VAR_DIR"])
    head = ["东部地区", "西部地区", "年度", "月份", "就业去向", "人数", "新增就业", "就业单位"]

    def placements(name: str, months: range) -> Path:
        path = var / name
        with path.open("w", encoding="utf-8-sig", newline="") as f:
            w = csv.writer(f)
            w.writerow(head)
            for m in months:
                w.writerow(["广州市南沙区", "紫云自治县", "2023", str(m), "到东部就业", "5", "是", f"电子厂{m}"])
        return path

    written, checked = placements("written.csv", range(1, 7)), placements("checked.csv", range(7, 13))
    connection.close()  # the import thread and the main thread each open their own connection

    held, out = threading.Event(), {}

    def hold_lock(result: object) -> None:  # runs inside the import's transaction, after its writes
        held.set()
        time.sleep(HOLD)

    def import_thread() -> None:
        t = time.perf_counter()
        result = import_file(written, user=User.objects.get(username="officer"), on_commit_inside=hold_lock)
        out["import_ok"], out["import_created"] = result.committed, result.created
        out["import_seconds"] = round(time.perf_counter() - t, 3)
        connections.close_all()

    writer = threading.Thread(target=import_thread)
    writer.start()
    if not held.wait(60):
        raise SystemExit("the import never reached its write phase")
    start = time.perf_counter()

    # The lock is really held: another writer cannot begin.
    raw = sqlite3.connect(db_path, timeout=0.1, isolation_level=None)
    try:
        raw.execute("BEGIN IMMEDIATE")
        raw.execute("ROLLBACK")
        out["lock_held"] = False
    except sqlite3.OperationalError as e:
        out["lock_held"] = "locked" in str(e)
    raw.close()

    t = time.perf_counter()
    client = Client()
    login = client.post("/admin/login/?next=/admin/", {"username": "officer", "password": "correct horse battery"})
    page = client.get("/admin/")
    out["login_status"], out["page_status"] = login.status_code, page.status_code
    out["login_redirect"] = login.get("Location", "")
    out["login_seconds"] = round(time.perf_counter() - t, 3)

    officer = User.objects.get(username="officer")
    for label, fast in (("check_fast", None), ("check_general", False)):
        t = time.perf_counter()
        result = import_file(checked, dry_run=True, user=officer, fast=fast)
        out[f"{label}_seconds"] = round(time.perf_counter() - t, 3)
        out[f"{label}_ok"] = result.ok and not result.committed
        out[f"{label}_created"] = result.created
        out[f"{label}_path"] = result.path
    out["done_while_locked"] = time.perf_counter() - start < HOLD and writer.is_alive()
    out["mode_after_check"] = connection.transaction_mode  # real writes still begin IMMEDIATE
    out["last_login_during_lock"] = str(User.objects.get(username="officer").last_login)

    writer.join()
    released = time.perf_counter()
    last_login = None
    while time.perf_counter() - released < 20:
        last_login = User.objects.get(username="officer").last_login
        if last_login is not None:
            break
        time.sleep(0.2)
    out["last_login_written"] = last_login is not None
    out["last_login_after_release_seconds"] = round(time.perf_counter() - released, 3)
    out["session_engine"] = settings.SESSION_ENGINE
    out["hold_seconds"] = HOLD
    print(json.dumps(out))


if __name__ == "__main__":
    main()
