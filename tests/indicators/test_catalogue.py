"""The catalogue is data: loaded by a migration from catalogue.csv, with every code of the spec."""

import re
from pathlib import Path

import pytest

from shanhai.indicators.catalogue import catalogue_rows
from shanhai.indicators.models import Indicator
from shanhai.indicators.rules import RULES

# The codes of spec/indicator-catalogue.md (v1), in its order.
SPEC_CODES = ["lead.visit", "lead.meeting", "project.count", "funds.fiscal", "funds.social", "funds.education", "funds.medical", "cadre.e2w", "cadre.mutual", "cadre.w2e", "talent.e2w", "talent.e2w.teacher", "talent.e2w.medical", "talent.w2e", "talent.w2e.days", "train.cadre.people", "train.talent.sessions", "train.talent.people", "train.labor.sessions", "train.labor.people", "train.leader.people", "train.school.people", "labor.employed", "labor.employed.new", "labor.job_fair", "workshop.count", "workshop.jobs", "industry.park", "industry.enterprise", "industry.investment", "industry.jobs", "consume.sales", "pair.county", "pair.township", "pair.village", "pair.enterprise_village", "pair.social_village", "pair.hospital", "pair.school", "pair.university", "pair.vocational", "edu.study_tour", "edu.facility.kindergarten", "edu.seats", "edu.tier1_admissions", "med.equipment"]
SPEC_FILE = Path(__file__).resolve().parents[3] / "shared" / "spec" / "indicator-catalogue.md"


@pytest.mark.django_db
def test_every_spec_code_is_in_the_database_with_names_unit_and_agg():
    db = {i.code: i for i in Indicator.objects.all()}
    assert set(SPEC_CODES) <= set(db)
    assert db["funds.fiscal"].zh == "财政援助资金" and db["funds.fiscal"].en == "fiscal assistance funds"
    assert db["funds.fiscal"].unit == "yuan" and db["funds.fiscal"].agg == "sum"
    assert db["edu.tier1_admissions"].agg == "last"
    # The per-side unit counts exist for every pair.* code.
    for code in [c for c in SPEC_CODES if c.startswith("pair.")]:
        assert f"{code}.east_units" in db and f"{code}.west_units" in db
    # Order follows the file.
    assert [i.code for i in Indicator.objects.all()][: len(SPEC_CODES)] == SPEC_CODES


@pytest.mark.skipif(not SPEC_FILE.exists(), reason="the shared spec is not beside the project")
def test_catalogue_file_matches_the_spec_table():
    spec = dict(re.findall(r"^\| `([a-z0-9_.]+)` \| ([^|]+?) \|", SPEC_FILE.read_text(encoding="utf-8"), re.M))
    rows = {r.code: r for r in catalogue_rows()}
    assert set(spec) <= set(rows)
    for code, zh in spec.items():
        assert rows[code].zh == zh.strip()


def test_every_rule_names_a_catalogue_code_and_every_recordable_code_has_a_rule():
    rows = {r.code: r for r in catalogue_rows()}
    assert set(RULES) <= set(rows)
    not_computable = {c for c, r in rows.items() if r.records == "reported"}
    assert set(rows) - not_computable == set(RULES)
