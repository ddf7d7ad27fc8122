"""The national assessment (issue 10): every county pair of the 2021 arrangement assessed on the full catalogue.

    .venv/bin/python benchmarks/assessment_speed.py                         # SQLite, then PostgreSQL
    .venv/bin/python benchmarks/assessment_speed.py --db sqlite --keep /tmp/bench-assess   # build once, reuse
    BENCH_PROFILE=1 .venv/bin/python benchmarks/assessment_speed.py --db sqlite            # cProfile on stderr

Each database is built in its own process (as `workflow_speed.py` does): the county pairs of
`synth --scale national` (the province and county pairs; the assessment reads county pairs only, so
the sub-pairings are left out), 2022 and 2023 periods, and for every county pair and every indicator of
the catalogue: computed values (roll-ups) for both years, a 2023 target for about three in four (the
rest fall back to last year), both sides' 2023 report figures and the west side's 2022 ones; reports in
every state (most approved, some submitted, returned or late), plans approved, and a disputed figure in
about one pair in twenty. The year's scheme is the default scheme copied for 2023 with an indicator item
added for every other indicator of the catalogue, and grade bands scaled to its full marks.

Timed, through the services the pages call:

- opening the assessment (scheme frozen, every county pair's draft computed and graded; bar < 10 s);
- computing it again (reviewers' work kept: the update path; bar < 10 s);
- the national results page (rank, distribution, city and province means) through Django's test client.

`--keep DIR` keeps the built SQLite database in DIR (and the PostgreSQL one, marked there) and reuses it,
opening the assessment afresh each run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BAR_S = 10.0
PG_DB = "shanhai_bench_assess"
YEAR = 2023


def child() -> dict[str, object]:
    """Runs in the subprocess whose environment names the database."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shanhai.settings.base")
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]
    from django.core.management import call_command
    from django.db import connection

    from shanhai.assessment.models import Scheme

    out: dict[str, object] = {"db": connection.vendor}
    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    scheme = Scheme.objects.filter(programme__name="东西部协作（合成数据）", year=YEAR).first()
    if os.environ.get("BENCH_REUSE") and scheme is not None:
        _reset(scheme)
        out["setup_s"] = 0
    else:
        scheme = build()
        out["setup_s"] = round(time.perf_counter() - t0, 1)
    return measure(out, scheme)


def build():  # noqa: ANN201 - a Scheme; Django is set up only inside the child
    from django.contrib.auth.models import Group, User

    from shanhai.accounts.roles import NATIONAL
    from shanhai.assessment import services
    from shanhai.assessment.models import GradeBand, Item, ItemKind, Mode
    from shanhai.demo.synth import PROVINCE_PAIRS, Generator
    from shanhai.indicators.models import Indicator, PairingValue, ReportedValue, SourceKind, Target
    from shanhai.indicators.rollups import rollups_paused
    from shanhai.network.models import Programme, ProgrammeKind
    from shanhai.regions.services import regions_load
    from shanhai.workflow.grid import form_ref
    from shanhai.workflow.models import Action, Confirmation, Kind, Period, State, Step, Submission
    from shanhai.workflow.reconcile import reconcile_rules

    regions_load()
    programme, _ = Programme.objects.get_or_create(
        name="东西部协作（合成数据）", defaults={"kind": ProgrammeKind.EAST_WEST, "start_year": 2021, "end_year": 2025})
    with rollups_paused():  # the computed values are written below, not derived from records
        pairs = Generator("national", 2021).national_network(programme, PROVINCE_PAIRS)
    pairs = list({p.pk: p for p in pairs}.values())  # a county drawn for two province pairs comes back once
    periods = {y: Period.objects.create(programme=programme, year=y, quarter=0, plan_due=dt.date(y, 3, 31),
                                        due=dt.date(y + 1, 1, 31)) for y in (YEAR - 1, YEAR)}
    national = User.objects.create_user("bench_national", password="x")
    national.groups.add(Group.objects.get(name=NATIONAL))
    indicators = list(Indicator.objects.order_by("position"))
    reconciled = set(reconcile_rules([programme.pk])[programme.pk])
    rng = random.Random(YEAR)
    pv, rv, targets, subs, disputes = [], [], [], [], []

    def form(p, ind, year: int, side: str, value: object) -> None:
        rv.append(ReportedValue(indicator=ind, pairing=p, side=side, year=year, value=value,
                                source_kind=SourceKind.FORM, source_ref=form_ref(periods[year], side)))

    def at(day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(10), tzinfo=dt.UTC)

    for p in pairs:
        disputed = rng.random() < 0.05
        for ind in indicators:
            base = rng.randint(5, 20_000)
            now = int(base * rng.uniform(0.6, 1.4))
            pv += [PairingValue(indicator=ind, pairing=p, year=YEAR - 1, period=0, value=base),
                   PairingValue(indicator=ind, pairing=p, year=YEAR, period=0, value=now)]
            if rng.random() < 0.75:
                targets.append(Target(indicator=ind, pairing=p, year=YEAR, value=int(base * rng.uniform(0.9, 1.2))))
            form(p, ind, YEAR - 1, "west", base)
            form(p, ind, YEAR, "west", now)
            if ind.pk in reconciled:
                east = now - 7 if disputed and ind.code == "labor.employed" else now
                form(p, ind, YEAR, "east", east)
                if east != now:
                    disputes.append(Confirmation(pairing=p, period=periods[YEAR], indicator=ind, side="east",
                                                 state="disputed", east_value=east, west_value=now,
                                                 comment="东部台账比西部填报数少7人，请核对。"))
        roll = rng.random()
        state = (State.SUBMITTED if roll < 0.05 else State.RETURNED if roll < 0.08 else
                 State.ACCEPTED if roll < 0.2 else State.APPROVED)
        late = rng.random() < 0.1
        subs += [
            Submission(pairing=p, period=periods[YEAR], kind=Kind.REPORT, side="west", state=state,
                       submitted_at=at(dt.date(YEAR + 1, 2, 10) if late else dt.date(YEAR + 1, 1, 20))),
            Submission(pairing=p, period=periods[YEAR], kind=Kind.REPORT, side="east", state=State.APPROVED,
                       submitted_at=at(dt.date(YEAR + 1, 1, 25))),
            Submission(pairing=p, period=periods[YEAR], kind=Kind.PLAN, side="", state=State.APPROVED,
                       submitted_at=at(dt.date(YEAR, 3, 20))),
            *(Submission(pairing=p, period=periods[YEAR - 1], kind=Kind.REPORT, side=side, state=State.ACCEPTED,
                         submitted_at=at(dt.date(YEAR, 1, 20))) for side in ("west", "east")),
        ]
    PairingValue.objects.filter(pairing__in=pairs).delete()
    PairingValue.objects.bulk_create(pv, batch_size=5000)
    ReportedValue.objects.bulk_create(rv, batch_size=5000)
    Target.objects.bulk_create(targets, batch_size=5000)
    Submission.objects.bulk_create(subs, batch_size=5000)
    Confirmation.objects.bulk_create(disputes, batch_size=5000)
    returned = [s for s in subs if s.period_id == periods[YEAR].pk and s.side == "west"
                and (s.state == State.RETURNED or rng.random() < 0.05)]
    Step.objects.bulk_create([Step(submission=s, action=Action.RETURN, from_state=State.SUBMITTED,
                                   to_state=State.RETURNED, comment="请补充佐证材料。") for s in returned])

    # the year's scheme: the default one, with an item for every other indicator of the catalogue
    scheme = services.scheme_for(programme, YEAR)
    have = set(scheme.items.values_list("indicator_id", flat=True))
    position = 100
    for ind in indicators:
        if ind.pk in have:
            continue
        position += 1
        services.scheme_item_save(national, Item(
            scheme=scheme, kind=ItemKind.INDICATOR, code=ind.code, label=ind.zh[:100], indicator=ind,
            weight=Decimal(2), mode=Mode.BANDS, bands="1=100;0.8=80;0.6=60", min_rate=Decimal("0.5"),
            position=position), reason="基准测试：全部指标")
    full = sum((i.weight for i in scheme.items.all() if i.kind != ItemKind.DEDUCTION), Decimal(0))
    for band in GradeBand.objects.filter(scheme=scheme):
        band.min_points = (band.min_points * full / 100).quantize(Decimal("0.01"))
        services.grade_band_save(national, band)
    return scheme


def _reset(scheme) -> None:  # noqa: ANN001
    """A kept database: the assessment made afresh (drafts and their history gone, the scheme a draft again)."""
    from shanhai.assessment.models import Assessment, Scheme, SchemeState, Score

    Score.history.model.objects.filter(assessment_id__in=Assessment.objects.filter(scheme=scheme)).delete()
    Assessment.history.model.objects.filter(scheme_id=scheme.pk).delete()
    Assessment.objects.filter(scheme=scheme).delete()
    Scheme.objects.filter(pk=scheme.pk).update(state=SchemeState.DRAFT, frozen_at=None)
    scheme.refresh_from_db()


def measure(out: dict[str, object], scheme) -> dict[str, object]:  # noqa: ANN001
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from shanhai.assessment import services
    from shanhai.assessment.models import Assessment, Score

    national = User.objects.get(username="bench_national")
    reverse("assessment:index")  # the URL configuration loaded, as in a running server
    out["county_pairs"] = scheme.programme.pairings.filter(kind="county").count()
    out["items"] = scheme.items.count()
    out["indicator_items"] = scheme.items.filter(kind="indicator").count()
    if os.environ.get("BENCH_PROFILE"):  # where the time goes, on stderr; the figures below are then rough
        import cProfile
        import pstats

        prof = cProfile.Profile()
        prof.runcall(services.scheme_open, national, scheme)
        pstats.Stats(prof, stream=sys.stderr).sort_stats("cumulative").print_stats(40)
        _reset(scheme)
    with CaptureQueriesContext(connection) as ctx:
        t0, c0 = time.perf_counter(), time.process_time()
        n = services.scheme_open(national, scheme)
        out["open_s"] = round(time.perf_counter() - t0, 2)
        out["open_cpu_s"] = round(time.process_time() - c0, 2)
    out["open_queries"] = len(ctx.captured_queries)
    out["assessed"] = n
    out["scores"] = Score.objects.filter(assessment__scheme=scheme).count()
    scheme.refresh_from_db()
    # the reports still open are approved meanwhile: their units' figures unblock (scores rewritten, with history)
    from shanhai.workflow.models import State, Submission

    reopened = dict(Submission.objects.filter(period__programme=scheme.programme, period__year=YEAR, kind="report",
                                              state__in=[State.SUBMITTED, State.RETURNED]).values_list("pk", "state"))
    Submission.objects.filter(pk__in=list(reopened)).update(state=State.APPROVED)
    out["approved_meanwhile"] = len(reopened)
    with CaptureQueriesContext(connection) as ctx:
        t0, c0 = time.perf_counter(), time.process_time()
        services.assessments_compute(national, scheme)
        out["recompute_s"] = round(time.perf_counter() - t0, 2)
        out["recompute_cpu_s"] = round(time.process_time() - c0, 2)
    out["recompute_queries"] = len(ctx.captured_queries)
    for state in (State.SUBMITTED, State.RETURNED):  # as built, for the next run
        Submission.objects.filter(pk__in=[pk for pk, st in reopened.items() if st == state]).update(state=state)
    grades: dict[str, int] = {}
    for g in Assessment.objects.filter(scheme=scheme).values_list("grade", flat=True):
        grades[g] = grades.get(g, 0) + 1
    out["grades"] = grades
    out["blocked"] = Assessment.objects.filter(scheme=scheme, blocked__gt=0).count()
    c = Client()
    c.force_login(national)
    url = reverse("assessment:results", args=[scheme.pk])
    assert c.get(url).status_code == 200
    t0 = time.perf_counter()
    for _ in range(3):
        c.get(url)
    out["results_page_ms"] = round((time.perf_counter() - t0) / 3 * 1000)
    return out


def run(db: str, keep: str | None) -> dict[str, object]:
    env = dict(os.environ)
    with tempfile.TemporaryDirectory(prefix="shanhai-assess-") as tmp:
        var = Path(keep or tmp) / db
        var.mkdir(parents=True, exist_ok=True)
        env["SHANHAI_VAR_DIR"] = str(var)
        env.pop("DATABASE_URL", None)
        if keep:
            env["BENCH_REUSE"] = "1"
        if db == "postgres":
            built = keep and (var / "pg-built").exists()
            if not built:
                import psycopg

                with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
                    conn.execute(f"DROP DATABASE IF EXISTS {PG_DB}")
                    conn.execute(f"CREATE DATABASE {PG_DB}")
            env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{PG_DB}"
        proc = subprocess.run([sys.executable, __file__, "--child"], env=env, stdout=subprocess.PIPE, text=True)
        if proc.returncode:
            sys.stderr.write(proc.stdout)
            raise SystemExit(f"{db}: failed")
        if keep and db == "postgres":
            (var / "pg-built").touch()
    return json.loads(proc.stdout.strip().splitlines()[-1])


def report(r: dict[str, object]) -> bool:
    print(f"\n== {r['db']}: {r['county_pairs']} county pairs × {r['items']} items ({r['indicator_items']} indicators), "
          f"{r['scores']:,} scores (setup {r['setup_s']} s)")
    ok = True
    for label, key in (("open: freeze + compute every draft", "open"),
                       (f"again, {r['approved_meanwhile']} reports approved since", "recompute")):
        s = float(r[f"{key}_s"])  # type: ignore[arg-type]
        good = s < BAR_S
        ok &= good
        print(f"  {label:<40} {s:6.2f} s wall, {r[f'{key}_cpu_s']} s CPU of this process "
              f"({r[f'{key}_queries']} queries)   bar < {BAR_S:.0f} s  {'OK' if good else 'MISSED'}")
    ok &= r["assessed"] == r["county_pairs"]
    print(f"  grades {r['grades']}; {r['blocked']} blocked by unlocked or disputed figures or unscored items")
    print(f"  national results page {r['results_page_ms']} ms")
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--keep", metavar="DIR", help="keep the built databases (DIR/sqlite, DIR/postgres) and reuse them")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child()))
        return
    dbs = ("sqlite", "postgres") if args.db == "both" else (args.db,)
    ok = all([report(run(db, args.keep)) for db in dbs])
    print("\nall bars met" if ok else "\nsome bars missed")


if __name__ == "__main__":
    main()
