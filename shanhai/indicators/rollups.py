"""Maintaining the roll-up tables: per pairing, per pairing subtree, per region node and side.

Data flow:
  records ──rules.py──▶ PairingValue (one pairing's own records; recomputed per pairing × year)
  PairingValue deltas ──▶ TreeValue of every proper ancestor pairing
                      ──▶ RegionValue of every region node above each side's region (+ node 0, the country)

- `rollups_refresh_for(pairing_ids, years)` recomputes the PairingValue rows of those pairings from
  their records, and adds the difference (new − old) to the ancestors' and regions' rows with an
  atomic `INSERT … ON CONFLICT DO UPDATE SET value = value + excluded.value`. The signals call it on
  every record save/delete; importers call it after a bulk write (or use `rollups_deferred()`).
- `rollups_rebuild()` recomputes everything from the records in two resumable phases: PairingValue
  in batches of pairings (one small transaction each), then TreeValue and RegionValue from
  PairingValue, one indicator per transaction. Readers keep seeing the old rows until each commit
  (SQLite WAL / PostgreSQL MVCC), so pages keep working during a rebuild.
- `last` indicators are kept per pairing only: stocks and rates are never summed over pairings.
Rows of value 0 may remain after deletions; readers treat a missing row and a 0 row alike.
"""

from __future__ import annotations

import contextlib
import threading
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from shanhai.core import dataversion
from shanhai.core.progress import Progress
from shanhai.indicators.models import Agg, Indicator, PairingValue, RebuildState, RegionValue, TreeValue
from shanhai.indicators.rules import RULES
from shanhai.network.models import Pairing
from shanhai.regions.lookup import get_index

Key = tuple[int, int, int, int]  # (pairing id, indicator id, year, period)
CHUNK = 2000
COPY_ROWS = 1000  # PostgreSQL: more rows than this are upserted through COPY and a temporary table


# --- the catalogue as ids ------------------------------------------------------------------------
@dataclass(frozen=True)
class Catalogue:
    ids: dict[str, int]  # code → id
    last: frozenset[int]  # ids of `last` indicators


_catalogue: Catalogue | None = None


def catalogue() -> Catalogue:
    global _catalogue
    if _catalogue is None:
        rows = list(Indicator.objects.values_list("code", "id", "agg"))
        _catalogue = Catalogue({c: i for c, i, _a in rows}, frozenset(i for _c, i, a in rows if a == Agg.LAST))
    return _catalogue


def catalogue_clear() -> None:
    global _catalogue
    _catalogue = None


# --- computing one pairing's values from its records -------------------------------------------------
def compute(*, pairing_ids: Sequence[int] | None = None, id_range: tuple[int, int] | None = None,
            years: Iterable[int] | None = None, codes: Iterable[str] | None = None) -> dict[Key, int]:
    """PairingValue rows as a dict, straight from the records (no roll-up table is read)."""
    cat = catalogue()
    years = None if years is None else sorted(set(years))
    out: dict[Key, int] = defaultdict(int)
    latest: dict[Key, int] = {}
    chunks = [None] if pairing_ids is None else [pairing_ids[i:i + CHUNK] for i in range(0, len(pairing_ids), CHUNK)]
    only: set[int] | None = None
    span = _dense_range(pairing_ids) if id_range is None else None
    if span is not None:
        # Many pairings with ids close together (an import's new pairings): one query per rule over
        # their id range, narrowed here, rather than a query per 2,000 ids with each id a parameter.
        id_range, chunks, only = span, [None], set(pairing_ids or ())
    wanted = None if codes is None else set(codes)
    for code, rule in RULES.items():
        if wanted is not None and code not in wanted:
            continue
        ind = cat.ids.get(code)
        if ind is None:
            continue
        is_last = ind in cat.last
        for chunk in chunks:
            for pid, year, month, value in rule.rows(pairing_ids=chunk, id_range=id_range, years=years):
                if only is not None and pid not in only:
                    continue
                if month:
                    out[(pid, ind, year, month)] += value
                if not is_last:
                    out[(pid, ind, year, 0)] += value
                elif latest.get((pid, ind, year, 0), -1) <= (month or 0):
                    # A stock or a rate: the year shows its latest month, never a sum of months.
                    latest[(pid, ind, year, 0)] = month or 0
                    out[(pid, ind, year, 0)] = out[(pid, ind, year, month)] if month else value
    return {k: v for k, v in out.items() if v}


def _dense_range(ids: Sequence[int] | None) -> tuple[int, int] | None:
    """(lowest, highest) of many ids that fill at least half of that range, else None."""
    if ids is None or len(ids) <= CHUNK:
        return None
    lo, hi = min(ids), max(ids)
    return (lo, hi) if hi - lo + 1 <= 2 * len(ids) else None


# --- where a pairing's values go -----------------------------------------------------------------------
@dataclass(frozen=True)
class Place:
    path: str
    programme_id: int
    east_path: str
    west_path: str

    def ancestors(self) -> list[int]:
        return [int(x) for x in self.path.split("/") if x][:-1]

    def nodes(self) -> list[tuple[int, str]]:
        by_code = get_index().by_code
        out = [(0, "all")]
        for side, path in (("east", self.east_path), ("west", self.west_path)):
            out += [(by_code[code].id, side) for code in path.split("/") if code and code in by_code]
        return out


def places(ids: Iterable[int]) -> dict[int, Place]:
    """Where each pairing sits; a pairing saved a moment ago gets its path from its parent."""
    ids = list(ids)
    rows: list[tuple[Any, ...]] = []
    for i in range(0, len(ids), CHUNK):
        rows += Pairing.objects.filter(id__in=ids[i:i + CHUNK]).values_list(
            "id", "path", "parent_id", "parent__path", "programme_id", "east_region__path", "west_region__path")
    out = {}
    for pid, path, parent_id, parent_path, programme_id, east, west in rows:
        expected = f"{parent_path if parent_id else ''}{pid}/"
        out[pid] = Place(path if path == expected else expected, programme_id, east, west)
    return out


def _propagate(deltas: dict[Key, int], where: dict[int, Place]) -> None:
    """Add per-pairing differences to the ancestors' TreeValue and the regions' RegionValue rows."""
    last = catalogue().last
    tree: dict[tuple[int, int, int, int], int] = defaultdict(int)
    region: dict[tuple[int, str, int, int, int, int], int] = defaultdict(int)
    # Pairings with the same ancestors, programme and regions (the villages of one county pair) add
    # to the same rows: their differences are summed first, then carried upward once.
    same: dict[int, tuple[str, int, str, str]] = {}
    summed: dict[tuple[tuple[str, int, str, str], int, int, int], int] = defaultdict(int)
    for (pid, ind, year, period), d in deltas.items():
        if not d or ind in last:
            continue
        sig = same.get(pid)
        if sig is None:
            place = where[pid]
            sig = same[pid] = (place.path[:place.path.rstrip("/").rfind("/") + 1], place.programme_id,
                               place.east_path, place.west_path)
        summed[(sig, ind, year, period)] += d
    fanned: dict[tuple[str, int, str, str], tuple[list[int], list[tuple[int, str]]]] = {}
    for (sig, ind, year, period), d in summed.items():
        if not d:
            continue
        out = fanned.get(sig)
        if out is None:
            parents, programme_id, east_path, west_path = sig
            place = Place(f"{parents}0/", programme_id, east_path, west_path)
            out = fanned[sig] = (place.ancestors(), place.nodes())
        ancestors, nodes = out
        for a in ancestors:
            tree[(ind, a, year, period)] += d
        programme_id = sig[1]
        for node, side in nodes:
            region[(ind, side, node, programme_id, year, period)] += d
    _add(TreeValue, ("indicator_id", "pairing_id", "year", "period"), tree)
    _add(RegionValue, ("indicator_id", "side", "node", "programme_id", "year", "period"), region)


def _add(model: Any, cols: Sequence[str], values: dict[tuple, int]) -> None:
    rows = [(*k, v) for k, v in values.items() if v]
    if not rows:
        return
    table = model._meta.db_table
    key = ", ".join(cols)
    # Table and column names come from model metadata, never from input.
    upsert_rows(table, (*cols, "value"), rows, f"ON CONFLICT ({key}) DO UPDATE SET value = {table}.value + excluded.value")


def upsert_rows(table: str, cols: Sequence[str], rows: Sequence[Sequence[Any]], conflict: str) -> None:
    """INSERT … VALUES (…), (…), … `conflict`, many rows a statement (about twice executemany's speed)."""
    dataversion.bump()  # cached dashboards show the old figures: a new data version
    if connection.vendor == "postgresql" and len(rows) > COPY_ROWS:
        # Many rows: COPY them into a temporary table, then one INSERT … SELECT … ON CONFLICT.
        staged = f"{table}_upsert"
        with connection.cursor() as cur:
            cur.execute(f"CREATE TEMPORARY TABLE {staged} ON COMMIT DROP AS "  # noqa: S608
                        f"SELECT {', '.join(cols)} FROM {table} LIMIT 0")
            with cur.cursor.copy(f"COPY {staged} ({', '.join(cols)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cur.execute(f"INSERT INTO {table} ({', '.join(cols)}) SELECT {', '.join(cols)} FROM {staged} "  # noqa: S608
                        f"{conflict}")
            cur.execute(f"DROP TABLE {staged}")
        return
    per = max(1, min(500, (connection.features.max_query_params or 100_000) // len(cols)))
    one = f"({', '.join(['%s'] * len(cols))})"
    head = f"INSERT INTO {table} ({', '.join(cols)}) VALUES "  # noqa: S608
    full = None
    with connection.cursor() as cur:
        for i in range(0, len(rows), per):
            chunk = rows[i:i + per]
            if len(chunk) == per:
                full = full or f"{head}{', '.join([one] * per)} {conflict}"
                sql = full
            else:
                sql = f"{head}{', '.join([one] * len(chunk))} {conflict}"
            cur.execute(sql, [v for row in chunk for v in row])


def insert_rows(table: str, cols: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Plain fast insert: COPY on PostgreSQL, executemany on SQLite (shared with the synth generator)."""
    dataversion.bump()  # cached dashboards show the old figures: a new data version
    n = 0
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            with cur.cursor.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    n += 1
            return n
        sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join(['%s'] * len(cols))})"  # noqa: S608
        batch: list[Sequence[Any]] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= 10000:
                cur.executemany(sql, batch)
                n += len(batch)
                batch = []
        if batch:
            cur.executemany(sql, batch)
            n += len(batch)
    return n


def _lock_pairings(ids: Sequence[int] | None = None, id_range: tuple[int, int] | None = None) -> None:
    """Serialise work on the same pairings (PostgreSQL; SQLite already has one writer at a time)."""
    if connection.vendor != "postgresql":
        return
    qs = Pairing.objects.select_for_update().order_by("id")
    if ids is not None:
        for i in range(0, len(ids), CHUNK):
            list(qs.filter(id__in=ids[i:i + CHUNK]).values_list("id", flat=True))
    elif id_range is not None:
        list(qs.filter(id__gte=id_range[0], id__lte=id_range[1]).values_list("id", flat=True))


# --- incremental maintenance ---------------------------------------------------------------------------
_deferred = threading.local()


@contextlib.contextmanager
def rollups_deferred() -> Iterator[None]:
    """Collect the pairings/years touched by many writes and refresh them once at the end."""
    outer = getattr(_deferred, "pending", None)
    if outer is not None:
        yield
        return
    _deferred.pending = pending = defaultdict(set)
    try:
        yield
    finally:
        _deferred.pending = None
    for years, ids in _group_by_years(pending).items():
        rollups_refresh_for(ids, None if years == () else years)


def _group_by_years(pending: dict[int, set[int | None]]) -> dict[tuple[int, ...], list[int]]:
    groups: dict[tuple[int, ...], list[int]] = defaultdict(list)
    for pid, years in pending.items():
        groups[() if None in years else tuple(sorted(years))].append(pid)
    return groups


@contextlib.contextmanager
def rollups_paused() -> Iterator[None]:
    """Skip maintenance for writes in this block: the caller rebuilds afterwards (the synth generator)."""
    before = getattr(_deferred, "paused", False)
    _deferred.paused = True
    try:
        yield
    finally:
        _deferred.paused = before


def rollups_active() -> bool:
    return not getattr(_deferred, "paused", False)


def rollups_touch(pairing_id: int | None, year: int | None, codes: Sequence[str] | None = None) -> None:
    """A record of `pairing_id` dated `year` (None: any year) changed: refresh now, or at the end of a deferral."""
    if pairing_id is None or getattr(_deferred, "paused", False):
        return
    pending = getattr(_deferred, "pending", None)
    if pending is not None:
        pending[pairing_id].add(year)
    else:
        rollups_refresh_for([pairing_id], None if year is None else [year], codes=codes)


@transaction.atomic
def rollups_refresh_for(pairing_ids: Iterable[int], years: Iterable[int] | None = None, *,
                        codes: Sequence[str] | None = None, fresh: Collection[int] = ()) -> int:
    """Recompute these pairings' values (all years, or only `years`; all indicators, or only `codes`)
    and carry the change upward.

    Importers call this after a bulk write (bulk_create/update send no signals). `fresh` names pairings
    created in the caller's transaction (see `_refresh_fresh`). Returns the number of changed
    PairingValue keys.
    """
    ids = sorted(set(pairing_ids))
    if not ids:
        return 0
    if fresh:
        fresh = set(fresh)  # once: a set per id made this quadratic (15 s for 20,000 new pairings)
        new_ids = [i for i in ids if i in fresh]
        changed = _refresh_fresh(new_ids, codes) if new_ids else None
        if changed is not None:
            done = set(new_ids)
            ids = [i for i in ids if i not in done]
            return changed + (rollups_refresh_for(ids, years, codes=codes) if ids else 0)
    years = None if years is None else sorted(set(years))
    in_force = [c for c, r in RULES.items() if r.in_force and (codes is None or c in codes)]
    if years is not None and in_force:
        # A pairing in force counts in every year it runs (an import names only its start year):
        # the pairing counts are refreshed for all years, the rest for the years given.
        rest = [c for c in (RULES if codes is None else codes) if c not in in_force]
        changed = rollups_refresh_for(ids, None, codes=in_force)
        return changed + (rollups_refresh_for(ids, years, codes=rest) if rest else 0)
    _lock_pairings(ids)
    where = places(ids)
    ids = [i for i in ids if i in where]
    new = compute(pairing_ids=ids, years=years, codes=codes)
    indicator_ids = None if codes is None else [catalogue().ids[c] for c in codes if c in catalogue().ids]
    old: dict[Key, int] = {}
    span = _dense_range(ids)
    wanted = set(ids)
    for i in range(0, len(ids), CHUNK) if span is None else (0,):
        if span is None:
            qs = PairingValue.objects.filter(pairing_id__in=ids[i:i + CHUNK])
        else:  # as `compute`: one query over the range, narrowed here
            qs = PairingValue.objects.filter(pairing_id__gte=span[0], pairing_id__lte=span[1])
        if years is not None:
            qs = qs.filter(year__in=years)
        if indicator_ids is not None:
            qs = qs.filter(indicator_id__in=indicator_ids)
        old.update({(p, ind, y, per): v for p, ind, y, per, v in
                    qs.values_list("pairing_id", "indicator_id", "year", "period", "value") if p in wanted})
    deltas = {k: new.get(k, 0) - old.get(k, 0) for k in new.keys() | old.keys()}
    deltas = {k: d for k, d in deltas.items() if d}
    if not deltas:
        return 0
    gone = [k for k in deltas if k not in new]
    if gone:
        table = PairingValue._meta.db_table
        with connection.cursor() as cur:
            cur.executemany(f"DELETE FROM {table} WHERE pairing_id = %s AND indicator_id = %s "  # noqa: S608
                            "AND year = %s AND period = %s", gone)
    _set_pairing_values({k: new[k] for k in deltas if k in new})
    _propagate(deltas, where)
    return len(deltas)


def _refresh_fresh(ids: list[int], codes: Sequence[str] | None) -> int | None:
    """The values of pairings created in this transaction, or None when any of them already has some.

    A pairing whose id was only now taken from the sequence has no PairingValue rows (they would
    need it to exist: a foreign key, deleted with it), and no other transaction can see it. So its
    values are what a rebuild computes (`compute`, every year), the change is all of them, and they
    are inserted as they are: no lock, no read of old values, no conflict handling, and the in-force
    and the dated pairing counts in one pass. The one query below keeps that true whatever a caller
    passes: if any value exists, the caller takes the ordinary path.
    """
    span = _dense_range(ids)
    for i in range(0, len(ids), CHUNK) if span is None else (0,):
        qs = (PairingValue.objects.filter(pairing_id__in=ids[i:i + CHUNK]) if span is None
              else PairingValue.objects.filter(pairing_id__gte=span[0], pairing_id__lte=span[1]))
        if qs.exists():
            return None
    where = places(ids)
    ids = [i for i in ids if i in where]
    values = compute(pairing_ids=ids, codes=codes)
    if values:
        cols = ("pairing_id", "indicator_id", "year", "period", "value")
        rows = [(*k, v) for k, v in sorted(values.items())]  # in key order: the index pages fill in turn
        if connection.vendor == "postgresql":
            insert_rows(PairingValue._meta.db_table, cols, rows)  # COPY
        else:
            upsert_rows(PairingValue._meta.db_table, cols, rows, "")  # many rows a statement
        _propagate(values, where)
    return len(values)


def _set_pairing_values(values: dict[Key, int]) -> None:
    if not values:
        return
    upsert_rows(PairingValue._meta.db_table, ("pairing_id", "indicator_id", "year", "period", "value"),
                [(*k, v) for k, v in sorted(values.items())],  # in key order: the index pages fill in turn
                "ON CONFLICT (pairing_id, year, indicator_id, period) DO UPDATE SET value = excluded.value")


def rollups_retract(pairing_ids: Iterable[int], where: dict[int, Place]) -> None:
    """Take these pairings' values out of their ancestors and regions (before a move or a delete)."""
    ids = sorted(set(pairing_ids))
    deltas: dict[Key, int] = {}
    for i in range(0, len(ids), CHUNK):
        for p, ind, y, per, v in PairingValue.objects.filter(pairing_id__in=ids[i:i + CHUNK]).values_list(
                "pairing_id", "indicator_id", "year", "period", "value"):
            deltas[(p, ind, y, per)] = -v
    _propagate(deltas, where)


def rollups_restore(pairing_ids: Iterable[int], where: dict[int, Place]) -> None:
    """Put these pairings' values back under their (new) ancestors and regions (after a move)."""
    ids = sorted(set(pairing_ids))
    deltas: dict[Key, int] = {}
    for i in range(0, len(ids), CHUNK):
        for p, ind, y, per, v in PairingValue.objects.filter(pairing_id__in=ids[i:i + CHUNK]).values_list(
                "pairing_id", "indicator_id", "year", "period", "value"):
            deltas[(p, ind, y, per)] = v
    _propagate(deltas, where)


# --- full rebuild ------------------------------------------------------------------------------------
@dataclass
class RebuildReport:
    pairings: int = 0
    pairing_values: int = 0
    tree_values: int = 0
    region_values: int = 0
    resumed_from: int = 0


def rollups_rebuild(*, batch: int = 2000, resume: bool = True, log: Any = None,
                    progress: Progress | None = None) -> RebuildReport:
    """Recompute every roll-up from the records; resumable (an interrupted run continues). `progress`
    (`core.progress`) counts pairings recomputed, then indicators summed up the trees and regions."""
    report = RebuildReport()
    progress = progress or Progress()
    state = RebuildState.objects.filter(finished_at__isnull=True).order_by("-id").first() if resume else None
    if state is None:
        state = RebuildState.objects.create(started_at=timezone.now())
    else:
        report.resumed_from = state.last_pairing_id
    if state.phase == "pairings":
        progress.unit = "个结对"
        progress.start(Pairing.objects.filter(id__gt=state.last_pairing_id).count(), "重算各结对的指标值")
        _rebuild_pairing_values(state, batch, report, log, progress)
        progress.finish()
        state.phase = "totals"
        state.save(update_fields=["phase"])
    progress.unit = "项指标"
    progress.start(len(catalogue().ids), "汇总到上级结对和各级地区")
    _rebuild_totals(report, log, progress)
    progress.stage("正在更新统计信息")
    analyze([PairingValue, TreeValue, RegionValue])
    progress.finish()
    state.finished_at = timezone.now()
    state.phase = "done"
    state.save(update_fields=["finished_at", "phase"])
    return report


def analyze(models: Sequence[Any] | None = None) -> None:
    """Refresh the planner's statistics after a bulk load (without them PostgreSQL picks poor plans)."""
    with connection.cursor() as cur:
        if models is None:
            cur.execute("ANALYZE")
        for model in models or ():
            cur.execute(f"ANALYZE {model._meta.db_table}")


def _rebuild_pairing_values(state: RebuildState, batch: int, report: RebuildReport, log: Any,
                            progress: Progress) -> None:
    pv = PairingValue._meta.db_table
    while True:
        ids = list(Pairing.objects.filter(id__gt=state.last_pairing_id).order_by("id").values_list("id", flat=True)[:batch])
        if not ids:
            break
        lo, hi = ids[0], ids[-1]
        with transaction.atomic():
            _lock_pairings(id_range=(lo, hi))
            values = compute(id_range=(lo, hi))
            PairingValue.objects.filter(pairing_id__gte=lo, pairing_id__lte=hi).delete()
            report.pairing_values += insert_rows(pv, ("pairing_id", "indicator_id", "year", "period", "value"),
                                                 ((*k, v) for k, v in values.items()))
            state.last_pairing_id = hi
            state.save(update_fields=["last_pairing_id"])
        report.pairings += len(ids)
        progress.update(report.pairings)
        if log:
            log(f"结对 {report.pairings} 个已重算（至 id {hi}）")
    # Values of pairings deleted meanwhile went with them (on_delete=CASCADE).


def _rebuild_totals(report: RebuildReport, log: Any, progress: Progress | None = None) -> None:
    cat = catalogue()
    where = places(Pairing.objects.values_list("id", flat=True))
    node_cache: dict[int, list[tuple[int, str]]] = {}
    for code, ind in cat.ids.items():
        with transaction.atomic():
            if connection.vendor == "postgresql":
                # Writers wait (maintenance adds its deltas after we commit); readers go on.
                with connection.cursor() as cur:
                    cur.execute(f"LOCK TABLE {TreeValue._meta.db_table}, {RegionValue._meta.db_table} IN EXCLUSIVE MODE")
            TreeValue.objects.filter(indicator_id=ind).delete()
            RegionValue.objects.filter(indicator_id=ind).delete()
            if ind in cat.last or code not in RULES:
                if progress is not None:
                    progress.advance()
                continue
            tree: dict[tuple, int] = defaultdict(int)
            region: dict[tuple, int] = defaultdict(int)
            for pid, year, period, value in PairingValue.objects.filter(indicator_id=ind).values_list(
                    "pairing_id", "year", "period", "value").iterator(chunk_size=20000):
                place = where.get(pid)
                if place is None:  # created after we listed the pairings
                    place = where[pid] = places([pid])[pid]
                for a in place.ancestors():
                    tree[(ind, a, year, period)] += value
                nodes = node_cache.get(pid)
                if nodes is None:
                    nodes = node_cache[pid] = place.nodes()
                for node, side in nodes:
                    region[(ind, side, node, place.programme_id, year, period)] += value
            report.tree_values += insert_rows(TreeValue._meta.db_table, ("indicator_id", "pairing_id", "year", "period", "value"),
                                              ((*k, v) for k, v in tree.items() if v))
            report.region_values += insert_rows(
                RegionValue._meta.db_table, ("indicator_id", "side", "node", "programme_id", "year", "period", "value"),
                ((*k, v) for k, v in region.items() if v))
        if progress is not None:
            progress.advance()
        if log:
            log(f"指标 {code} 汇总完成")
