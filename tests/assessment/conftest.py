"""An assessed year of 南沙→紫云 (the workflow's `year` people and pairings), with 2022 closed and known
figures, so that every point of the expected result can be worked out by hand (see `graded`)."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

from shanhai.indicators.services import reported_value_upsert, target_set
from shanhai.workflow import grid, services
from shanhai.workflow.models import Kind, Period
from tests.workflow.conftest import FULL, Year, year  # noqa: F401 - `year` is a fixture

# 2023 targets of 南沙→紫云: completion exactly on band edges (see test_compute.py for the hand count)
TARGETS = {"funds.fiscal": 30_000_000, "cadre.e2w": 15, "talent.e2w": 100, "labor.employed": 3750,
           "consume.sales": 300_000_000}
WEST_2023 = {**FULL, "train.labor.people": "550"}


@dataclass
class Assessed:
    year: Year
    last: Period  # 2022
    west: Any  # 2023 west report (submitted, not approved)


@pytest.fixture
def assessed(year) -> Assessed:  # noqa: F811 - the imported fixture
    last = Period.objects.create(programme=year.programme, year=2022, due=dt.date(2023, 1, 31))
    # 2022: the west report's own figure of labour training, the base when 2023 has no target
    reported_value_upsert(indicator="train.labor.people", value=500, year=2022, source_kind="form",
                          source_ref=grid.form_ref(last, "west"), pairing=year.county, side="west")
    for code, value in TARGETS.items():
        target_set(indicator=code, year=2023, value=value, pairing=year.county)
    west = services.submission_for(year.county, year.period, Kind.REPORT, "west")
    grid.grid_save(None, west, WEST_2023)
    services.move(year.users["ziyun"], west, "submit")
    return Assessed(year, last, west)


def approve(a: Assessed) -> None:
    services.move(a.year.users["guizhou"], a.west, "approve")
