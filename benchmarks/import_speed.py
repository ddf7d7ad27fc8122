"""Import speed: a 1,000,000-row placements CSV and a 100,000-row xlsx, on SQLite and PostgreSQL.

    .venv/bin/python benchmarks/import_speed.py                 # both databases, full size
    .venv/bin/python benchmarks/import_speed.py --db sqlite --rows 200000 --xlsx-rows 20000

Prints rows per second and peak memory (max RSS of the process doing the import, measured in a
fresh subprocess per run, so Django's own ~100 MB is included) for:

- the 1M-row CSV into an empty table (the fast path: parse, check, stage, insert, history),
- the same file again (every row matched by natural key and found unchanged),
- the 100k-row xlsx (openpyxl read-only),
- django-import-export's default import path (ModelResource.import_data, one save() per row)
  on a smaller sample of the same CSV, as the peer. Its signals-driven roll-up refresh is
  deferred to one refresh at the end, as ours is, so the comparison is of the import paths.

Bar (from the issue): the 1M-row CSV in under 60 s on both databases, peak memory under 500 MB,
and at least 10× the peer's rows per second.

PostgreSQL: DATABASE_URL of the server, default postgres://postgres@127.0.0.1:5432/ (a database
`shanhai_bench_transfer` is dropped and created there). SQLite: a file under /tmp.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = Path(os.environ.get("SHANHAI_BENCH_DIR", "/tmp/shanhai-bench-transfer"))
PG_SERVER = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/")
PG_DB = "shanhai_bench_transfer"
PAIRS = 50
HEAD = ["东部地区", "西部地区", "年度", "月份", "就业去向", "人数", "新增就业", "就业单位"]
KINDS = ["到东部就业", "就地就近就业", "其他地区就业"]


# ---- child processes: each does one thing and prints one JSON line --------------------------

def _django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shanhai.settings.base")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_setup(database_url: str) -> dict:
    _django(database_url)
    from django.core.management import call_command

    from shanhai.network.models import Pairing, PairingKind, Programme, ProgrammeKind
    from shanhai.regions.models import Region
    from shanhai.regions.services import regions_load

    call_command("migrate", verbosity=0)
    if not Region.objects.exists():
        regions_load()
    east = list(Region.objects.filter(level="county", path__startswith="440000/").order_by("code")[:PAIRS])
    west = list(Region.objects.filter(level="county", path__startswith="520000/").order_by("code")[:PAIRS])
    programme, _ = Programme.objects.get_or_create(name="基准测试协作项目", defaults={"kind": ProgrammeKind.EAST_WEST})
    pairs = []
    for e, w in zip(east, west, strict=True):
        p, _ = Pairing.objects.get_or_create(programme=programme, kind=PairingKind.COUNTY, east_region=e, west_region=w)
        pairs.append((p.pk, e.full_name, w.full_name))
    return {"pairs": pairs}


def child_import(database_url: str, path: str, type_key: str) -> dict:
    _django(database_url)
    import shanhai.transfer.engine as engine
    import shanhai.transfer.fastpath as fastpath
    from shanhai.transfer.engine import import_file

    # Time the indicators' roll-up refresh (part of the import's transaction) on its own too.
    refresh, spent = engine.refresh_rollups, [0.0]

    def timed_refresh(*args: object) -> None:
        t = time.perf_counter()
        refresh(*args)
        spent[0] += time.perf_counter() - t

    engine.refresh_rollups = fastpath.refresh_rollups = timed_refresh
    before = _rss_mb()
    started = time.perf_counter()
    result = import_file(Path(path), type_key=type_key)
    seconds = time.perf_counter() - started
    if not result.ok:
        return {"error": [e.__dict__ for e in result.errors[:5]] + result.file_errors}
    return {"rows": result.rows, "created": result.created, "updated": result.updated,
            "unchanged": result.unchanged, "seconds": seconds, "rss_before_mb": before, "peak_mb": _rss_mb(),
            "path": result.path, "rollups_s": spent[0]}


def child_peer(database_url: str, path: str) -> dict:
    _django(database_url)
    import tablib
    from import_export import resources

    from shanhai.economy.models import Placement
    from shanhai.indicators.rollups import rollups_deferred

    class PlacementResource(resources.ModelResource):
        class Meta:
            model = Placement
            fields = ("id", "pairing", "year", "month", "kind", "count", "newly_employed", "employer")

    before = _rss_mb()
    started = time.perf_counter()
    dataset = tablib.Dataset().load(Path(path).read_text(encoding="utf-8"), format="csv")
    with rollups_deferred():
        result = PlacementResource().import_data(dataset, dry_run=False, raise_errors=True)
    seconds = time.perf_counter() - started
    return {"rows": len(dataset), "created": result.totals.get("new", 0), "seconds": seconds,
            "rss_before_mb": before, "peak_mb": _rss_mb()}


# ---- files -----------------------------------------------------------------------------------

def rows_for(pairs: list[list], n: int, offset: int = 0):
    for i in range(n):
        pk, east, west = pairs[i % len(pairs)]
        j = i // len(pairs)
        yield pk, [east, west, 2023 + (j % 2), 1 + (j // 2) % 12, KINDS[(j // 24) % 3], 1 + i % 9,
                   "是" if i % 3 else "否", f"劳务企业{offset + i:07d}"]


def write_csv(path: Path, pairs: list[list], n: int) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(HEAD)
        for _, row in rows_for(pairs, n):
            w.writerow(row)


def write_xlsx(path: Path, pairs: list[list], n: int) -> None:
    """Written as Excel writes (shared strings) with XlsxWriter; openpyxl's own inline strings read far slower."""
    try:
        import xlsxwriter
    except ImportError:
        from openpyxl import Workbook

        wb = Workbook(write_only=True)
        ws = wb.create_sheet("劳务就业")
        ws.append(HEAD)
        for _, row in rows_for(pairs, n, offset=5_000_000):
            ws.append(row)
        wb.save(path)
        return
    wb = xlsxwriter.Workbook(str(path))  # not constant_memory: that mode writes inline strings too
    ws = wb.add_worksheet("劳务就业")
    ws.write_row(0, 0, HEAD)
    for i, (_, row) in enumerate(rows_for(pairs, n, offset=5_000_000), start=1):
        ws.write_row(i, 0, row)
    wb.close()


def write_peer_csv(path: Path, pairs: list[list], n: int) -> None:
    codes = {"到东部就业": "east", "就地就近就业": "local", "其他地区就业": "other"}
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "pairing", "year", "month", "kind", "count", "newly_employed", "employer"])
        for pk, row in rows_for(pairs, n, offset=8_000_000):
            w.writerow(["", pk, row[2], row[3], codes[row[4]], row[5], 1 if row[6] == "是" else 0, row[7]])


# ---- orchestration ---------------------------------------------------------------------------

def run_child(*args: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", *args], capture_output=True, text=True, cwd=ROOT)
    if out.returncode != 0:
        raise SystemExit(f"child {args[:2]} failed:\n{out.stderr[-4000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def fresh_database(kind: str) -> str:
    if kind == "sqlite":
        db = WORK / "bench.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{db}"
    import psycopg

    with psycopg.connect(PG_SERVER.rstrip("/") + "/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {PG_DB}")
        conn.execute(f"CREATE DATABASE {PG_DB}")
    return PG_SERVER.rstrip("/") + f"/{PG_DB}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--xlsx-rows", type=int, default=100_000)
    parser.add_argument("--peer-rows", type=int, default=10_000)
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        task, *rest = args.child
        fn = {"setup": child_setup, "import": child_import, "peer": child_peer}[task]
        print(json.dumps(fn(*rest), ensure_ascii=False))
        return

    WORK.mkdir(parents=True, exist_ok=True)
    lines = []
    for kind in (["sqlite", "postgres"] if args.db == "both" else [args.db]):
        url = fresh_database(kind)
        pairs = run_child("setup", url)["pairs"]
        big, book, peer = WORK / f"placements_{args.rows}.csv", WORK / f"placements_{args.xlsx_rows}.xlsx", WORK / "peer.csv"
        started = time.perf_counter()
        if not big.exists():
            write_csv(big, pairs, args.rows)
        if not book.exists():
            write_xlsx(book, pairs, args.xlsx_rows)
        write_peer_csv(peer, pairs, args.peer_rows)
        print(f"[{kind}] files ready in {time.perf_counter() - started:.1f}s: {big.stat().st_size / 1e6:.0f} MB CSV, "
              f"{book.stat().st_size / 1e6:.1f} MB xlsx", flush=True)
        runs = [
            ("CSV 1st import", run_child("import", url, str(big), "placement")),
            ("CSV re-import", run_child("import", url, str(big), "placement")),
            ("xlsx import", run_child("import", url, str(book), "placement")),
            ("django-import-export", run_child("peer", url, str(peer))),
        ]
        for name, r in runs:
            if "error" in r:
                raise SystemExit(f"{kind} {name}: {r['error']}")
            rate = r["rows"] / r["seconds"]
            line = (f"{kind:9} {name:22} {r['rows']:>9,} rows {r['seconds']:7.1f} s {rate:>10,.0f} rows/s "
                    f"peak {r['peak_mb']:6.0f} MB (Django loaded: {r['rss_before_mb']:.0f} MB)")
            extra = {k: r[k] for k in ("created", "updated", "unchanged") if k in r}
            if "rollups_s" in r:
                extra["of which roll-up refresh (s)"] = round(r["rollups_s"], 1)
            print(line, extra, flush=True)
            lines.append((kind, name, r))
        ours = runs[0][1]["rows"] / runs[0][1]["seconds"]
        peer_rate = runs[3][1]["rows"] / runs[3][1]["seconds"]
        print(f"{kind:9} speed-up over the peer: {ours / peer_rate:.0f}×; 1M bar (<60 s): "
              f"{'met' if runs[0][1]['seconds'] < 60 * args.rows / 1_000_000 else 'NOT met'}; memory bar (<500 MB): "
              f"{'met' if runs[0][1]['peak_mb'] < 500 else 'NOT met'}", flush=True)


if __name__ == "__main__":
    main()
