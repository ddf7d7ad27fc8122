"""`years_with_data` (the default year of a page) and `people_on_post` on a given day."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shanhai.accounts.models import Scope
from shanhai.core.errors import ShanhaiError
from shanhai.indicators.selectors import (
    data_by_year,
    indicator_table,
    page_reads,
    pairing_profile,
    people_on_post,
    visible_pairing,
    years_with_data,
)
from tests.factories import DispatchFactory, PersonFactory, SaleFactory

from .conftest import row

pytestmark = pytest.mark.django_db


def test_years_with_data_follow_the_scope(scene, admin_user, ziyun_officer):
    SaleFactory(pairing=scene.school, year=2018, amount=10)  # a sub-pairing's record counts for its parent
    SaleFactory(pairing=scene.zhongshan_shuicheng, year=2017, amount=20)
    SaleFactory(pairing=scene.haidian_chayouhouqi, year=2016, amount=3)
    # Pairing counts (pair.*) are left out: a pairing in force is no sign that a year has data.
    assert years_with_data(admin_user, pairing=scene.nansha_ziyun.pk) == [2018]
    assert years_with_data(admin_user, pairing=scene.school.pk) == [2018]
    assert years_with_data(admin_user, pairing=scene.zhongshan_shuicheng.pk) == [2017]
    assert years_with_data(admin_user) == [2016, 2017, 2018]
    assert years_with_data(admin_user, region="520000") == [2017, 2018]
    assert years_with_data(admin_user, region="520000", side="east") == []
    other = scene.haidian_chayouhouqi.programme_id
    assert years_with_data(admin_user, programme=other) == [2016]
    assert years_with_data(admin_user, pairing=scene.nansha_ziyun.pk, programme=other) == []
    # The county officer sees their county's years only, whole country or province alike.
    assert years_with_data(ziyun_officer) == [2018]
    assert years_with_data(ziyun_officer, region="520000") == [2018]
    assert years_with_data(AnonymousUser()) == []
    with pytest.raises(ShanhaiError) as e:
        years_with_data(ziyun_officer, pairing=scene.zhongshan_shuicheng.pk)
    assert e.value.code == "not_found"


def test_data_by_year_counts_the_indicators_with_data(scene, admin_user, ziyun_officer):
    SaleFactory(pairing=scene.school, year=2018, amount=10)
    DispatchFactory(pairing=scene.nansha_ziyun, planned_start=dt.date(2018, 3, 1), planned_end=dt.date(2019, 3, 1))
    SaleFactory(pairing=scene.nansha_ziyun, year=2019, amount=5)
    # 2018: sales and the dispatch's cadre/talent counts; 2019: sales only.
    by_year = data_by_year(admin_user, pairing=scene.nansha_ziyun.pk)
    assert set(by_year) == {2018, 2019} and by_year[2018] > by_year[2019] == 1
    assert data_by_year(admin_user, region="520000") == by_year
    assert data_by_year(ziyun_officer) == by_year


def test_years_with_data_ignore_values_that_cancel_out(scene, admin_user):
    sale = SaleFactory(pairing=scene.nansha_ziyun, year=2019, amount=10)
    assert 2019 in years_with_data(admin_user, pairing=scene.nansha_ziyun.pk)
    sale.delete()  # the roll-up row may stay at zero: a zero is no data
    assert 2019 not in years_with_data(admin_user, pairing=scene.nansha_ziyun.pk)
    assert 2019 not in years_with_data(admin_user, region="520000")


def test_people_on_post_on_a_given_day(scene, admin_user, ziyun_officer):
    DispatchFactory(pairing=scene.school, person=PersonFactory(name="往年支教"), planned_start=dt.date(2022, 2, 1),
                    planned_end=dt.date(2022, 12, 31))
    DispatchFactory(pairing=scene.nansha_ziyun, person=PersonFactory(name="提前离岗"),
                    planned_start=dt.date(2022, 3, 1), actual_start=dt.date(2022, 3, 5),
                    planned_end=dt.date(2024, 3, 1), actual_end=dt.date(2022, 6, 30))
    DispatchFactory(pairing=scene.nansha_ziyun, person=PersonFactory(name="长期挂职"),
                    planned_start=dt.date(2022, 1, 1), planned_end=None)
    DispatchFactory(pairing=scene.zhongshan_shuicheng, person=PersonFactory(name="水城挂职"),
                    planned_start=dt.date(2022, 1, 1), planned_end=None)

    def names(user, pairing, on):
        return [p.name for p in people_on_post(user, pairing, on=on)]

    county = scene.nansha_ziyun.pk
    assert names(admin_user, county, dt.date(2022, 5, 1)) == ["长期挂职", "往年支教", "提前离岗"]
    assert names(admin_user, county, dt.date(2022, 12, 31)) == ["长期挂职", "往年支教"]  # actual end wins
    assert names(admin_user, county, dt.date(2023, 12, 31)) == ["长期挂职"]
    assert names(admin_user, scene.school.pk, dt.date(2022, 5, 1)) == ["往年支教"]
    assert names(ziyun_officer, county, dt.date(2022, 5, 1)) == names(admin_user, county, dt.date(2022, 5, 1))
    assert names(admin_user, county, None) == ["长期挂职"]  # today
    # The profile lists the same people for the same day.
    profile = pairing_profile(admin_user, county, on=dt.date(2022, 12, 31))
    assert [p.name for p in profile.people_on_post] == ["长期挂职", "往年支教"]
    assert profile.people_on_post[1].start == dt.date(2022, 2, 1) and profile.people_on_post[1].end == dt.date(2022, 12, 31)
    with pytest.raises(ShanhaiError):
        people_on_post(ziyun_officer, scene.zhongshan_shuicheng.pk, on=dt.date(2022, 5, 1))


def test_a_resolved_pairing_is_checked_once_and_only_for_its_user(scene, admin_user, ziyun_officer):
    SaleFactory(pairing=scene.nansha_ziyun, amount=100)
    p = visible_pairing(admin_user, scene.zhongshan_shuicheng.pk)
    with CaptureQueriesContext(connection) as ctx:
        indicator_table(admin_user, pairing=p, year=2023)
    assert not any("network_pairing" in q["sql"] for q in ctx.captured_queries)
    # Handed to another user, the pairing is checked again against that user's scope.
    with pytest.raises(ShanhaiError) as e:
        indicator_table(ziyun_officer, pairing=p, year=2023)
    assert e.value.code == "not_found"
    ziyun = visible_pairing(ziyun_officer, scene.nansha_ziyun.pk)
    assert row(indicator_table(ziyun_officer, pairing=ziyun, year=2023), "consume.sales").computed == 100


def test_page_reads_reuse_scope_lookups_within_one_page_only(scene, region):
    SaleFactory(pairing=scene.nansha_ziyun, amount=100)
    user = User.objects.create_user("guizhou", password="x")
    Scope.objects.create(user=user, region=region("紫云自治县"))
    with CaptureQueriesContext(connection) as once:
        indicator_table(user, year=2023)
    with page_reads():
        indicator_table(user, year=2023)
        with CaptureQueriesContext(connection) as again:
            assert row(indicator_table(user, year=2023), "consume.sales").computed == 100
    assert len(again) < len(once)
    # Outside a page build a scope change is seen at once.
    Scope.objects.create(user=user, region=region("水城区"))
    SaleFactory(pairing=scene.zhongshan_shuicheng, amount=20)
    assert row(indicator_table(user, year=2023), "consume.sales").computed == 120
