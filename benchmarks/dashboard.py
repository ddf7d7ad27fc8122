"""Dashboard benchmark at national scale: server time of the pages, and DuckDB on the raw records.

Run (after `shanhai synth --scale national`, which also rebuilds the roll-ups):

    SHANHAI_VAR_DIR=/path/with/national/sqlite .venv/bin/python benchmarks/dashboard.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/shanhai_national .venv/bin/python benchmarks/dashboard.py

It prints, per page, the server time (p50, p95) of `--runs` requests through Django's test client
(middleware, view, selectors, template: everything but the network), for a superuser and for a
province officer, in three modes: cold (a new data version before every request, as after a write:
every figure read and the page built and rendered), uncached (`SHANHAI_PAGE_CACHE = False`: every
request builds and renders the page; the heaviest selector reads are kept once per data version,
`web.cache.figures`) and cached (the page cache, `web/cache.py`, the embedded default's local-memory
cache; the first request fills it, untimed); then the time DuckDB takes for the same aggregation as the province page's
sales and job-placement figures, straight from the raw records (loaded into DuckDB beforehand,
not timed), the same aggregation in the database itself, and the ratios. Bars: every p95 < 150 ms;
the uncached province page p50 ≤ 2 × DuckDB's, the cached one below DuckDB's.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shanhai.settings.base")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from shanhai.accounts.models import Scope  # noqa: E402
from shanhai.core import dataversion  # noqa: E402
from shanhai.indicators.selectors import indicator_table  # noqa: E402
from shanhai.network.models import Pairing  # noqa: E402
from shanhai.regions.models import Region  # noqa: E402

BAR_MS = 150.0


def timed(fn, runs: int, warmup: int = 3) -> tuple[float, float]:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, int(round(0.95 * (len(samples) - 1))))]


def user(name: str, *, superuser: bool, region: Region | None = None) -> User:
    u, created = User.objects.get_or_create(username=name, defaults={"is_staff": True, "is_superuser": superuser})
    if created and region is not None:
        Scope.objects.create(user=u, region=region)
    return u


def raw_sql(province_path: str, years: tuple[int, int]) -> str:
    """Sales and placements per year for pairings whose west region lies in the province: from raw rows."""
    return f"""
        SELECT 'sales' AS k, s.year, SUM(s.amount) FROM economy_sale s
          JOIN network_pairing p ON p.id = s.pairing_id JOIN regions_region r ON r.id = p.west_region_id
         WHERE r.path LIKE '{province_path}%' AND s.year IN {years} GROUP BY s.year
        UNION ALL
        SELECT 'placements', pl.year, SUM(pl.count) FROM economy_placement pl
          JOIN network_pairing p ON p.id = pl.pairing_id JOIN regions_region r ON r.id = p.west_region_id
         WHERE r.path LIKE '{province_path}%' AND pl.year IN {years} GROUP BY pl.year
    """


def duckdb_load(workdir: Path):
    """Copy the raw tables the aggregation needs into DuckDB (untimed), through CSV files."""
    import csv

    import duckdb

    db = duckdb.connect()
    tables = {
        "economy_sale": "id, pairing_id, year, month, amount",
        "economy_placement": "id, pairing_id, year, month, count",
        "network_pairing": "id, west_region_id, east_region_id, programme_id",
        "regions_region": "id, code, path",
    }
    for table, cols in tables.items():
        path = workdir / f"{table}.csv"
        with connection.cursor() as cur, path.open("w", newline="") as f:
            cur.execute(f"SELECT {cols} FROM {table}")  # noqa: S608 - fixed names
            writer = csv.writer(f)
            writer.writerow([c.strip() for c in cols.split(",")])
            while rows := cur.fetchmany(100_000):
                writer.writerows(rows)
        db.execute(f"CREATE TABLE {table} AS SELECT * FROM read_csv_auto('{path}', header=true)")
    return db


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--year", type=int, default=2024)
    parser.add_argument("--no-duckdb", action="store_true")
    parser.add_argument("--during-rebuild", action="store_true", help="time the pages while `indicators rebuild` runs")
    args = parser.parse_args()
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    vendor = connection.vendor
    n_records = {}
    with connection.cursor() as cur:
        for t in ("economy_sale", "economy_placement", "people_dispatch", "activities_training", "activities_activity",
                  "projects_project", "projects_fundallocation", "projects_donation", "network_pairing"):
            cur.execute(f"SELECT COUNT(*) FROM {t}")  # noqa: S608 - fixed names
            n_records[t] = cur.fetchone()[0]
    # The busiest western province, and its busiest county pairing.
    top = (Pairing.objects.filter(kind="county").values("west_region__path").order_by())
    counts: dict[str, int] = {}
    for row in top:
        prov = row["west_region__path"].split("/", 1)[0]
        counts[prov] = counts.get(prov, 0) + 1
    province = Region.objects.get(code=max(counts, key=counts.get))
    pairing = Pairing.objects.filter(kind="county", west_region__path__startswith=province.path).order_by("id").first()
    print(f"# {vendor} · {sum(n_records.values()):,} records ({', '.join(f'{k} {v:,}' for k, v in n_records.items())})")
    print(f"# province {province.name} ({province.code}, {counts[province.code]} county pairs), pairing {pairing} (id {pairing.pk}), year {args.year}")
    pages = {
        "overview": reverse("web:overview") + f"?year={args.year}",
        "province": reverse("web:region", args=[province.code]) + f"?year={args.year}&side=west",
        "pairing": reverse("web:pairing", args=[pairing.pk]) + f"?year={args.year}",
        "map_data": reverse("web:map_data") + f"?year={args.year}",
    }
    if args.during_rebuild:
        during_rebuild(pages, province, args.year)
        return
    results = {}
    for mode in ("cold", "uncached", "cached"):
        settings.SHANHAI_PAGE_CACHE = mode == "cached"
        for who, u in (("superuser", user("bench_admin", superuser=True)),
                       ("province officer", user("bench_province", superuser=False, region=province))):
            client = Client()
            client.force_login(u)
            for name, url in pages.items():
                response = client.get(url)
                assert response.status_code == 200, (name, url, response.status_code, response.content[:300])
                if mode == "cold":  # as the first request after a write: a new data version each time
                    p50, p95 = timed(lambda url=url, client=client: (dataversion.bump(), client.get(url)), args.runs)
                else:
                    p50, p95 = timed(lambda url=url, client=client: client.get(url), args.runs)
                results[(mode, who, name)] = (p50, p95)
                flag = "ok" if p95 < BAR_MS else "OVER BAR"
                print(f"{vendor:10} {mode:8} {who:17} {name:9} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  "
                      f"({len(response.content) // 1024} KB)  {flag}")
    sel_p50, sel_p95 = timed(lambda: indicator_table(user("bench_admin", superuser=True), region=province.code,
                                                     year=args.year), args.runs)
    print(f"{vendor:10} selector          indicator_table(province) p50 {sel_p50:.1f} ms  p95 {sel_p95:.1f} ms")

    years = (args.year - 1, args.year)
    sql = raw_sql(province.path, years)
    with connection.cursor() as cur:
        def run_db():
            cur.execute(sql)
            return cur.fetchall()
        db_rows = sorted(run_db())
        db_p50, _ = timed(run_db, 5, warmup=1)
    table = {r.code: r for r in indicator_table(user("bench_admin", superuser=True), region=province.code,
                                                 year=args.year)}
    roll = {("sales", args.year): table["consume.sales"].computed, ("sales", args.year - 1): table["consume.sales"].last_year,
            ("placements", args.year): table["labor.employed"].computed,
            ("placements", args.year - 1): table["labor.employed"].last_year}
    same = all(roll[(k, y)] == v for k, y, v in db_rows)
    cold_page = results[("cold", "superuser", "province")][0]
    page = results[("uncached", "superuser", "province")][0]
    cached_page = results[("cached", "superuser", "province")][0]
    print(f"{vendor:10} raw SQL in {vendor} (same aggregation, no roll-ups): {db_p50:.1f} ms = {db_p50 / page:.1f}× the province page p50;"
          f" roll-ups agree with raw rows: {'yes' if same else 'NO'}")
    if not args.no_duckdb:
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            duck = duckdb_load(Path(tmp))
            load_s = time.perf_counter() - t0
            duck_sql = sql.replace(f"IN {years}", f"IN ({years[0]}, {years[1]})")
            duck_rows = sorted(tuple(r) for r in duck.execute(duck_sql).fetchall())
            d_p50, d_p95 = timed(lambda: duck.execute(duck_sql).fetchall(), 10, warmup=2)
        print(f"{vendor:10} DuckDB {__import__('duckdb').__version__} on the raw records (loaded in {load_s:.0f} s, untimed): "
              f"p50 {d_p50:.1f} ms p95 {d_p95:.1f} ms; same result: {'yes' if duck_rows == db_rows else 'NO'}")
        print(f"{vendor:10} province page p50 ÷ DuckDB p50: cold {cold_page / d_p50:.2f}, "
              f"uncached {page / d_p50:.2f} (bar ≤ 2: "
              f"{'met' if page <= 2 * d_p50 else 'NOT met'}), cached {cached_page / d_p50:.2f} (bar < 1: "
              f"{'met' if cached_page < d_p50 else 'NOT met'})")
    over = [k for k, (_p50, p95) in results.items() if p95 >= BAR_MS]
    print(f"{vendor:10} bar p95 < {BAR_MS:.0f} ms: {'met by every page' if not over else 'NOT met: ' + ', '.join(map(str, over))}")


def during_rebuild(pages: dict[str, str], province: Region, year: int) -> None:
    """Request the pages in a loop while a full rebuild runs in another process; count failures."""
    import subprocess

    admin = user("bench_admin", superuser=True)
    before = [(r.code, r.computed) for r in indicator_table(admin, region=province.code, year=year)]
    client = Client()
    client.force_login(admin)
    samples: dict[str, list[float]] = {name: [] for name in pages}
    failures = 0
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "manage.py", "indicators", "rebuild", "--restart", "--quiet"],
                            cwd=Path(__file__).resolve().parents[1], stdout=subprocess.PIPE, text=True)
    while proc.poll() is None:
        for name, url in pages.items():
            t0 = time.perf_counter()
            try:
                ok = client.get(url).status_code == 200
            except Exception:  # noqa: BLE001 - a failed page is what we count
                ok = False
            samples[name].append((time.perf_counter() - t0) * 1000)
            failures += not ok
    out = proc.stdout.read().strip() if proc.stdout else ""
    after = [(r.code, r.computed) for r in indicator_table(admin, region=province.code, year=year)]
    vendor = connection.vendor
    print(f"{vendor:10} rebuild ran {time.perf_counter() - started:.0f} s (exit {proc.returncode}): {out}")
    for name, values in samples.items():
        values.sort()
        p95 = values[min(len(values) - 1, int(round(0.95 * (len(values) - 1))))]
        print(f"{vendor:10} during rebuild    {name:9} n {len(values):4}  p50 {statistics.median(values):7.1f} ms  p95 {p95:7.1f} ms")
    print(f"{vendor:10} failed requests during the rebuild: {failures}; province values unchanged after: "
          f"{'yes' if before == after else 'NO'}")


if __name__ == "__main__":
    main()
