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

PostgreSQL: BENCH_PG_URL of the server, default postgres://postgres@127.0.0.1:5432/ (a database
`shanhai_bench_transfer` is dropped and created there); or DATABASE_URL=postgres://…/<name>, whose
database `<name>` is dropped and created (one's own name on a shared server). SQLite: a file under
SHANHAI_BENCH_DIR (default /tmp/shanhai-bench-transfer).
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
if os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
    PG_SERVER, PG_DB = os.environ["DATABASE_URL"].rsplit("/", 1)
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


# ---- every import type (--types): a realistic N-row sheet per type against the demo data -----
#
# Rows are the demo records exported in the template's columns (export_rows, as a user would
# download, correct and upload them), each made new by varying its natural key (a title, a
# name, a place, a year); dispatches get a fresh identity number per row, so each row creates a
# new person. Pairings are named by regions, units and places (结对编号 left blank), as people
# fill the template.

ENTERPRISES = 20  # per region of a county pair, created by the setup (investment sheets need them)


def child_setup_types(database_url: str) -> dict:
    _django(database_url)
    from django.core.management import call_command

    from shanhai.demo.synth import synth
    from shanhai.indicators.rollups import rollups_rebuild
    from shanhai.network.models import Organisation, OrgKind, Pairing, PairingKind
    from shanhai.regions.models import Region
    from shanhai.regions.services import regions_load
    from shanhai.transfer.specs import TYPES

    call_command("migrate", verbosity=0)
    if not Region.objects.exists():
        regions_load()
    if not Pairing.objects.exists():
        synth("demo", 2021)
        regions = {r for p in Pairing.objects.filter(kind=PairingKind.COUNTY).select_related("east_region", "west_region")
                   for r in (p.east_region, p.west_region)}
        Organisation.objects.bulk_create([
            Organisation(name=f"{r.name}基准企业{i + 1:02d}有限公司", kind=OrgKind.ENTERPRISE, region=r)
            for r in sorted(regions, key=lambda r: r.code) for i in range(ENTERPRISES)
        ])
        rollups_rebuild(resume=False)
    return {"types": list(TYPES)}


def _id_number(i: int) -> str:
    """A valid (checksummed) resident identity number, distinct for each i below 36,500,000."""
    import datetime as dt

    born = dt.date(1960, 1, 1) + dt.timedelta(days=(i // 1000) % 12_000)
    body = f"440115{born:%Y%m%d}{i % 1000:03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]


def _base_rows(type_key: str) -> list[dict]:
    """The demo records of a type as exported rows (for investments, reported values, targets, teams,
    mentorships, agreements and programmes: built)."""
    import datetime as dt

    from shanhai.indicators.models import Indicator
    from shanhai.network.models import Organisation, OrgKind, Pairing, PairingKind
    from shanhai.transfer.selectors import export_rows
    from shanhai.transfer.specs import PAIRING_NAMES, TYPES

    spec = TYPES[type_key]
    related = ("programme", "east_region__parent__parent", "west_region__parent__parent", "east_org", "west_org")
    pairings = Pairing.objects.select_related(*related).order_by("pk")
    if type_key == "pairing":
        return list(export_rows(spec, pairings.filter(kind__in=[PairingKind.VILLAGE, PairingKind.TOWNSHIP])))
    refs = [{n: row.get(n, "") for n in PAIRING_NAMES if n != "pairing_no"}
            for row in export_rows(TYPES["pairing"], pairings)]
    for ref, row in zip(refs, export_rows(TYPES["pairing"], pairings), strict=True):
        ref["pairing_kind"] = row["pairing_kind"]
    if type_key == "investment":
        ids = list(pairings.values_list("east_region_id", "west_region_id"))
        firms: dict[int, list[str]] = {}
        setup = Organisation.objects.filter(kind=OrgKind.ENTERPRISE, name__contains="基准企业").exclude(name__contains="（")
        for org in setup.order_by("name"):  # the setup's own, not the organisation sheets' copies of them
            firms.setdefault(org.region_id, []).append(org.name)
        return [dict(ref, enterprise=name, park="", year=2023, amount="3.89亿", rural_jobs=172)
                for ref, (e, w) in zip(refs, ids, strict=True) for name in firms.get(e, []) + firms.get(w, [])]
    if type_key in ("reported", "target"):
        codes = list(Indicator.objects.exclude(unit="percent").order_by("position").values_list("code", flat=True))
        return [dict(ref, indicator=code) for ref in refs for code in codes]
    # The demo has no teams, mentorships or agreements: one per pairing of a county pair, with the
    # setup's enterprises as host and work units (a team's host is on the west side).
    if type_key in ("team", "mentorship", "agreement"):
        ids = list(pairings.values_list("east_region_id", "west_region_id"))
        firms = {}
        for org in Organisation.objects.filter(kind=OrgKind.ENTERPRISE, name__contains="基准企业").exclude(
                name__contains="（").order_by("name"):
            firms.setdefault(org.region_id, org.name)
        out = []
        for ref, (e, w) in zip(refs, ids, strict=True):
            if e not in firms or w not in firms:
                continue
            if type_key == "team":
                out.append(dict(ref, name="组团式帮扶医疗队", domain="医疗卫生", host=firms[w], leader_name="李明",
                                leader_org=firms[e], start_date=dt.date(2023, 3, 1)))
            elif type_key == "mentorship":
                out.append(dict(ref, mentor_name="李明", mentor_org=firms[e], apprentice_name="王芳",
                                apprentice_org=firms[w], domain="教育", start_date=dt.date(2023, 3, 1)))
            else:
                out.append(dict(ref, title="东西部协作协议", signed_on=dt.date(2023, 3, 1), domains="教育、医疗卫生"))
        return out
    if type_key == "programme":
        return [{"name": "基准协作项目", "kind": "东西部协作", "description": "", "start_year": 2021, "end_year": 2025,
                 "east_provinces": "广东省", "west_provinces": "贵州省"}]
    qs = spec.model._default_manager.order_by("pk")
    if spec.pairing_field == "pairing":
        qs = qs.select_related(*(f"pairing__{r}" for r in related))
    elif spec.pairing_field is None:
        qs = qs.select_related("region__parent__parent")
    rows = list(export_rows(spec, qs))
    for row in rows:
        row.pop("pairing_no", None)
    # One base row per natural key as written (the varied copies must stay distinct).
    varied = {"fund": ("year", "source", "sector")}.get(type_key, ())
    keyed = [c.name for c in spec.columns if (c.name in PAIRING_NAMES or c.name in spec.natural_key
             or c.name in ("project", "enterprise", "region", "person_org", "name")) and c.name not in varied]
    return list({tuple(str(row.get(n)) for n in keyed): row for row in rows}.values())


def _vary(type_key: str, row: dict, i: int, k: int) -> None:
    """Make base row copy number k (row i of the file) a new record."""
    suffix = f"（{k + 1}）"
    if type_key == "organisation":
        row["name"] += suffix
    elif type_key == "pairing":
        row["east_place"] += f"{k + 1}组"
        row["west_place"] += f"{k + 1}组"
    elif type_key == "dispatch":
        row["id_number"] = _id_number(i)
    elif type_key in ("training", "activity"):
        row["title"] += suffix
    elif type_key in ("project", "workshop", "park", "team", "programme"):
        row["name"] += suffix
    elif type_key == "agreement":
        row["title"] += suffix
    elif type_key == "mentorship":  # a new apprentice on every row (a person by name and work unit)
        row["apprentice_name"] += f"{i + 1}"
    elif type_key == "target":
        row["year"] = 1990 + k % 36
        row["value"] = 100 + i % 1000
    elif type_key == "fund":  # years up to this one: later ones are held as warnings until confirmed
        row["year"] = 1990 + k % 36
        row["source"] = ("财政援助资金", "社会帮扶资金", "地方配套资金")[k // 36 % 3]
        row["sector"] = ("教育", "医疗卫生", "产业合作", "劳务协作", "乡村振兴")[k // 108 % 5]
    elif type_key == "donation":
        row["donor"] += suffix
    elif type_key == "investment":
        row["year"] = 1990 + k % 36
    elif type_key == "reported":
        row.update(year=2021 + k % 5, month=k // 5 % 13, value=100 + i % 1000, qualifier="确数",
                   source_ref="基准测试表")
    elif type_key == "sale":
        row["supplier"] = f"{row['supplier']}{suffix}"
    elif type_key == "placement":
        row["employer"] = f"{row['employer']}{suffix}"


def type_rows(type_key: str, n: int, offset: int = 0) -> tuple[list[str], list[list]]:
    """The header and n rows of a realistic sheet of one type (rows offset… of the endless sequence)."""
    from shanhai.transfer.specs import TYPES

    spec = TYPES[type_key]
    base = _base_rows(type_key)
    columns = [c for c in spec.columns if c.name != "pairing_no" and (not c.secret or c.name == "id_number")]
    rows = []
    for i in range(offset, offset + n):
        row = dict(base[i % len(base)])
        _vary(type_key, row, i, i // len(base))
        rows.append(["" if row.get(c.name) is None else row.get(c.name, "") for c in columns])
    return [c.header for c in columns], rows


def child_sheets(database_url: str, type_key: str, n: str, csv_path: str, xlsx_path: str) -> dict:
    """An n-row CSV and a different n-row xlsx of one type (the xlsx rows follow the CSV's)."""
    _django(database_url)
    import datetime as dt

    import xlsxwriter

    head, rows = type_rows(type_key, int(n))
    with Path(csv_path).open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(head)
        w.writerows([[v.isoformat() if isinstance(v, dt.date) else v for v in row] for row in rows])
    head, rows = type_rows(type_key, int(n), offset=int(n))
    wb = xlsxwriter.Workbook(xlsx_path)
    dates = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws = wb.add_worksheet("Sheet1")
    ws.write_row(0, 0, head)
    for r, row in enumerate(rows, start=1):
        for c, v in enumerate(row):
            if isinstance(v, dt.date):
                ws.write_datetime(r, c, dt.datetime.combine(v, dt.time()), dates)
            else:
                ws.write(r, c, v)
    wb.close()
    return {"rows": len(rows)}


def _backend_cpu(pid: int | None) -> float:
    """CPU seconds used so far by the PostgreSQL backend serving this process (0 for SQLite)."""
    if pid is None:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def child_import_type(database_url: str, path: str, type_key: str, mode: str) -> dict:
    """One import of a type's sheet: mode "check" (dry run) or "commit".

    Besides the wall-clock time, the CPU time of the import (this process, plus the PostgreSQL
    backend serving it) is measured: on a shared machine it is what an idle one would take.
    """
    _django(database_url)
    from django.db import connection

    from shanhai.transfer.engine import import_file

    backend = None
    with connection.cursor() as c:
        if connection.vendor == "postgresql":
            c.execute("SELECT pg_backend_pid()")
            backend = c.fetchone()[0]
    cpu = time.process_time() + _backend_cpu(backend)
    started = time.perf_counter()
    result = import_file(Path(path), type_key=type_key, dry_run=mode == "check")
    seconds = time.perf_counter() - started
    cpu = time.process_time() + _backend_cpu(backend) - cpu
    if not result.ok or (mode == "commit" and not result.committed):
        found = [e.__dict__ for e in result.errors[:5] + result.warnings[:5]] + result.file_errors
        return {"error": found, "errors": result.error_count + result.warning_count}
    return {"rows": result.rows, "created": result.created, "updated": result.updated, "unchanged": result.unchanged,
            "seconds": seconds, "cpu_seconds": cpu, "path": result.path, "peak_mb": _rss_mb()}


def run_types(kind: str, url: str, types: list[str], n: int) -> None:
    """Check and commit a CSV and an xlsx of n rows per type; prints rows/s and the 5,000 rows/s bar."""
    known = run_child("setup_types", url)["types"]
    types = types or known
    bad = [t for t in types if t not in known]
    if bad:
        raise SystemExit(f"unknown types {bad}; known: {known}")
    failed = []
    print(f"{'db':9} {'type':13} {'path':8} {'file':5} {'check rows/s':>13} {'commit rows/s':>14}  "
          f"{'(per CPU-second: check':>23} {'commit)':>8}  created", flush=True)
    for type_key in types:
        csv_path, xlsx_path = WORK / f"{kind}_{type_key}_{n}.csv", WORK / f"{kind}_{type_key}_{n}.xlsx"
        run_child("sheets", url, type_key, str(n), str(csv_path), str(xlsx_path))
        for fmt, path in (("csv", csv_path), ("xlsx", xlsx_path)):
            check = run_child("import_type", url, str(path), type_key, "check")
            commit = run_child("import_type", url, str(path), type_key, "commit")
            for name, r in (("check", check), ("commit", commit)):
                if "error" in r:
                    raise SystemExit(f"{kind} {type_key} {fmt} {name}: {r['errors']} errors, e.g. {r['error']}")
            rates = [r["rows"] / r["seconds"] for r in (check, commit)]
            cpu = [r["rows"] / max(r["cpu_seconds"], 1e-9) for r in (check, commit)]
            if min(rates) < 5000:
                failed.append(f"{type_key} {fmt}")
            print(f"{kind:9} {type_key:13} {commit['path']:8} {fmt:5} {rates[0]:>13,.0f} {rates[1]:>14,.0f}  "
                  f"{cpu[0]:>23,.0f} {cpu[1]:>8,.0f}  {commit['created']:,}", flush=True)
    print(f"{kind:9} bar ≥ 5,000 rows/s for every type, check and commit: "
          f"{'met' if not failed else 'NOT met: ' + ', '.join(failed)}", flush=True)


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
    parser.add_argument("--types", nargs="?", const="all", default=None,
                        help="instead: every import type (or a comma-separated list), check and commit")
    parser.add_argument("--type-rows", type=int, default=20_000, help="rows per type and file format (--types)")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        task, *rest = args.child
        fn = {"setup": child_setup, "import": child_import, "peer": child_peer, "setup_types": child_setup_types,
              "sheets": child_sheets, "import_type": child_import_type}[task]
        print(json.dumps(fn(*rest), ensure_ascii=False))
        return

    WORK.mkdir(parents=True, exist_ok=True)
    lines = []
    for kind in (["sqlite", "postgres"] if args.db == "both" else [args.db]):
        url = fresh_database(kind)
        if args.types:
            types = [] if args.types == "all" else args.types.split(",")
            run_types(kind, url, types, args.type_rows)
            continue
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
