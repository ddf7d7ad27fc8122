"""The public data layer: which programmes and years are public, the small-count rule, the write door."""

from __future__ import annotations

import pytest

from shanhai.accounts.writes import WriteRefused
from shanhai.portal import selectors
from shanhai.portal.services import programme_publish


def _by_code(vals: list[selectors.Value]) -> dict[str, selectors.Value]:
    return {v.code: v for v in vals}


def test_only_closed_years_of_public_programmes(scene) -> None:
    assert selectors.published_years(scene.programme) == [2023]  # 2024's reports are drafts
    assert selectors.published_years(scene.hidden) == []  # not marked public, though 2023 is closed
    assert [p.name for p in selectors.public_programmes()] == ["东西部协作（公开测试）"]
    assert selectors.values(programme=scene.programme, year=2024, pairing=scene.county) == []
    # a pairing of another programme is not read through this one
    assert selectors.values(programme=scene.programme, year=2023, pairing=scene.secret) == []


def test_small_counts_of_people_are_withheld(scene) -> None:
    vals = _by_code(selectors.values(programme=scene.programme, year=2023, pairing=scene.county))
    cadres = vals["cadre.e2w"]  # two cadres: could point at someone
    assert cadres.withheld and cadres.actual is None and cadres.computed is None and cadres.completion is None
    assert cadres.shown == "<3"
    talents = vals["talent.e2w"]  # five professionals at the school pair, counted in the county's tree
    assert not talents.withheld and talents.actual == 5
    assert vals["funds.fiscal"].actual == 5_000_000 and not vals["funds.fiscal"].withheld  # money is never withheld


def test_one_year_opened_again_leaves_the_public(scene) -> None:
    from shanhai.workflow.models import State, Submission

    Submission.objects.filter(period__year=2023, pairing=scene.county, side="west").update(state=State.RETURNED)
    assert selectors.published_years(scene.programme) == []


def test_projects_carry_only_published_years_money(scene) -> None:
    [project] = selectors.projects(scene.programme, pairing=scene.county)
    assert project.name == "紫云县城职业学校实训楼"
    assert project.funds == {2023: (5_000_000, 4_000_000)}  # 2024 is not approved yet
    assert [f.allocated for f in selectors.funds(scene.programme, year=2023)] == [5_000_000]
    assert list(selectors.funds(scene.programme, year=2024)) == []


def test_only_the_national_office_marks_a_programme_public(scene) -> None:
    with pytest.raises(WriteRefused):
        programme_publish(scene.users["guizhou"], scene.hidden)
    assert selectors.published_years(scene.hidden) == []
    programme_publish(scene.users["national"], scene.hidden)
    assert selectors.published_years(scene.hidden) == [2023]
    programme_publish(scene.users["national"], scene.hidden, public=False)
    assert selectors.published_years(scene.hidden) == []
