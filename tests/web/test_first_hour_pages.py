"""The first hour, through the test client (issue 15): the records behind a pairing's counts, the
receiving unit of each person on post, the month view, and a demo without duplicate people."""

import datetime as dt
import re

import pytest
from django.db.models import Count

from tests.factories import (
    DispatchFactory,
    PersonFactory,
    PlacementFactory,
    SaleFactory,
    TrainingFactory,
    WorkshopFactory,
)
from tests.web.test_web_pages import YEAR, cell_sort, world  # noqa: F401 (world is a fixture)

pytestmark = pytest.mark.django_db


def test_pairing_page_lists_the_records_behind_its_counts(client, world, region) -> None:  # noqa: F811
    from shanhai.web.records import CAP

    ziyun, school = world["ziyun"], world["school"]
    TrainingFactory(pairing=ziyun, title="紫云劳动力技能培训班", start_date=dt.date(YEAR, 4, 2), end_date=None, participants=120)
    TrainingFactory(pairing=school, title="紫云中学校长跟岗培训", start_date=dt.date(YEAR, 9, 1), end_date=None, participants=12)
    TrainingFactory(pairing=ziyun, title="上一年的培训", start_date=dt.date(YEAR - 1, 4, 2), end_date=None)
    for month in range(1, 13):
        for _i in range(5):  # 60 sales: more than the page lists
            SaleFactory(pairing=ziyun, year=YEAR, month=month, amount=1_000 * month)
    PlacementFactory(pairing=ziyun, year=YEAR, month=6, count=35, employer="南沙电子厂")
    WorkshopFactory(pairing=ziyun, name="紫云帮扶车间", region=region("紫云"), established=dt.date(YEAR, 7, 1), jobs=40)
    client.force_login(world["admin"])
    response = client.get(f"/pairings/{ziyun.id}/", {"year": YEAR})
    page, html = response.context["page"], response.content.decode()
    titles = [r["title"] for r in page.tables["trainings"].rows]
    assert titles == ["紫云中学校长跟岗培训", "紫云劳动力技能培训班"]  # sub-pairings too, newest first, this year only
    assert len(page.tables["sales"].rows) == CAP and page.record_lists["sales"].total == 60
    assert "列出最近的 50 条，共 60 条。" in html
    assert f'href="/admin/economy/sale/?pairing={ziyun.id}&amp;year={YEAR}"' in html
    assert page.tables["placements"].rows[0]["employer"] == "南沙电子厂"
    assert page.tables["workshops"].rows[0]["jobs"] == 40
    for name in ("trainings", "sales", "placements", "workshops"):
        assert f'id="table-{name}"' in html and f'data-export="{name}-csv"' in html
        export = client.get(f"/pairings/{ziyun.id}/", {"year": YEAR, "export": name, "fmt": "csv"})
        assert export.status_code == 200
    # A quarter or a month narrows the lists like the counts.
    june = client.get(f"/pairings/{ziyun.id}/", {"year": YEAR, "month": 6}).context["page"]
    assert {r["month"] for r in june.tables["sales"].rows} == {6} and len(june.tables["placements"].rows) == 1
    assert june.tables["trainings"].rows == []
    # A viewer without the admin is not sent there.
    client.force_login(world["officer"])
    officer = client.get(f"/pairings/{ziyun.id}/", {"year": YEAR}).content.decode()
    assert "列出最近的 50 条" in officer


def test_people_on_post_show_their_receiving_unit(client, world) -> None:  # noqa: F811
    school = world["school"]
    DispatchFactory(pairing=school, person=PersonFactory(name="王支教"), post="支教", host=None,
                    planned_start=dt.date(YEAR, 3, 1), actual_start=dt.date(YEAR, 3, 1),
                    planned_end=dt.date.today() + dt.timedelta(days=365))
    client.force_login(world["admin"])
    page = client.get(f"/pairings/{world['ziyun'].id}/", {"year": YEAR}).context["page"]
    hosts = {r["name"]: r["host"] for r in page.tables["people"].rows}
    assert hosts["王支教"] == "紫云民族高级中学"  # the school pair's west unit
    assert hosts["李挂职"] == "紫云苗族布依族自治县"  # a county pair: its west region


def test_month_view_of_the_indicator_table(client, world) -> None:  # noqa: F811
    SaleFactory(pairing=world["ziyun"], year=YEAR, month=5, amount=8_000)
    SaleFactory(pairing=world["ziyun"], year=YEAR, month=6, amount=1_000)
    client.force_login(world["admin"])
    response = client.get("/", {"year": YEAR, "month": 5})
    html = response.content.decode()
    assert cell_sort(html, "consume.sales", "computed") == "8000"
    rows = {r["code"]: r for r in response.context["page"].tables["indicators"].rows}
    assert rows["funds.fiscal"]["computed"] is None  # a year-only record has no month figure
    assert "（5月；" in response.context["page"].tables["indicators"].title
    assert re.search(r'<select name="month">.*<option value="5" selected>', html, re.S)
    pairing = client.get(f"/pairings/{world['ziyun'].id}/", {"year": YEAR, "month": 6}).content.decode()
    assert cell_sort(pairing, "consume.sales", "computed") == "1000"
    bad = client.get("/", {"month": 13})
    assert bad.status_code == 400 and "参数「月份」（month）应为1到12" in bad.content.decode()


def test_the_demo_has_no_duplicate_people() -> None:
    from shanhai.demo.synth import synth
    from shanhai.people.models import Dispatch

    first = synth(scale="mini", seed=7)
    twice = (Dispatch.objects.values("pairing_id", "person__name").annotate(n=Count("id")).filter(n__gt=1))
    assert not twice.exists(), list(twice[:5])
    assert first["people"] == first["dispatches"]
