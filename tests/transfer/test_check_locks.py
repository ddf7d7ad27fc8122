"""A check (dry run) locks nothing a writer needs (issue 17). On SQLite this is measured against a real
file database in tests/accounts/test_sqlite_writer_lock.py; here, PostgreSQL: a check used to lock
the target table (SHARE ROW EXCLUSIVE) and so waited for any open write to it, and blocked new ones."""

import threading
import time

import pytest
from django.db import connection, transaction

from shanhai.economy.models import Placement
from shanhai.transfer.engine import import_file
from tests.factories import PairingFactory, PlacementFactory, ProgrammeFactory
from tests.transfer.conftest import HEAD, PAIR

PLACEMENT_HEAD = HEAD + ["年度", "月份", "就业去向", "人数", "新增就业", "就业单位"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite: see tests/accounts/test_sqlite_writer_lock.py")
@pytest.mark.django_db(transaction=True)
def test_a_check_does_not_wait_for_an_open_write_to_the_same_table(csv_file):
    pairing = PairingFactory(programme=ProgrammeFactory(name="东西部协作（2021—2025年）"))
    PlacementFactory(pairing=pairing, month=1, employer="甲厂")  # the target has rows: the match runs
    f = csv_file([PLACEMENT_HEAD] + [PAIR + ["2023", str(m), "到东部就业", "5", "是", f"厂{m}"] for m in range(2, 8)])
    holding, release = threading.Event(), threading.Event()

    def writer():
        try:
            with transaction.atomic():
                PlacementFactory(pairing=pairing, month=12, employer="乙厂")  # uncommitted: the table is in use
                holding.set()
                release.wait(20)
        finally:
            connection.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert holding.wait(10)
        started = time.perf_counter()
        result = import_file(f, dry_run=True)
        seconds = time.perf_counter() - started
    finally:
        release.set()
        thread.join()
    print(f"\ncheck of 6 rows while another transaction writes the same table: {seconds:.3f} s")
    assert result.ok and result.path == "fast" and result.created == 6 and not result.committed
    assert seconds < 3
    assert Placement.objects.count() == 2
