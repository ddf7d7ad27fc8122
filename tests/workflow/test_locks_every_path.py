"""An approved period refuses every write path — the API, the admin, an import (general and fast path),
the report-review queue and the services — each with a clear Chinese message and nothing saved."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import User

from shanhai.activities.models import Training
from shanhai.api.models import ApiToken
from shanhai.economy.models import Placement
from shanhai.evidence.models import ProposedFact, SourceDocument
from shanhai.evidence.review import fact_accept
from shanhai.indicators.models import ReportedValue, Target
from shanhai.transfer.engine import import_file
from shanhai.workflow import grid, services
from shanhai.workflow.models import Kind
from tests.factories import PlacementFactory, TrainingFactory
from tests.workflow.conftest import FULL

LOCKED = "已锁定"


@pytest.fixture
def locked(year):
    """紫云's 2023 report approved by 贵州, with a training and a placement of 2023 below it."""
    training = TrainingFactory(pairing=year.school, title="骨干教师培训", start_date=dt.date(2023, 5, 8),
                               end_date=dt.date(2023, 5, 12), participants=40)
    placement = PlacementFactory(pairing=year.county, year=2023, month=6, count=5)
    sub = services.submission_for(year.county, year.period, Kind.REPORT, "west")
    grid.grid_save(None, sub, FULL)
    services.move(year.users["ziyun"], sub, "submit")
    services.move(year.users["guizhou"], sub, "approve")
    return {"training": training, "placement": placement, "sub": sub}


def _api(client, user):
    _, token = ApiToken.issue(user, "tests")
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client


@pytest.mark.parametrize("who", ["ziyun", "national"])
def test_the_api_refuses_to_change_a_record_of_a_locked_period(client, year, locked, who):
    training = locked["training"]
    api = _api(client, year.users[who])
    response = api.patch(f"/api/activities/trainings/{training.pk}", {"participants": 400},
                         content_type="application/json")
    assert response.status_code == 403, response.content
    assert LOCKED in response.json()["errors"][0]["message"]
    assert Training.objects.get(pk=training.pk).participants == 40
    response = api.delete(f"/api/activities/trainings/{training.pk}")
    assert response.status_code == 403 and Training.objects.filter(pk=training.pk).exists()
    # a record of another year of the same pairing stays open
    response = api.post("/api/activities/trainings", {
        "pairing_id": year.school.pk, "category": "talent", "title": "2024年培训", "start_date": "2024-05-08",
        "end_date": "2024-05-10", "participants": 30}, content_type="application/json")
    assert response.status_code == 201, response.content


def test_the_admin_refuses_to_save_a_record_of_a_locked_period(client, year, locked):
    training = locked["training"]
    user = year.users["ziyun"]
    user.is_staff = True
    user.save()
    client.force_login(user)
    url = f"/admin/activities/training/{training.pk}/change/"
    form = client.get(url)
    assert form.status_code == 200
    data = {"category": "talent", "pairing": year.school.pk, "title": "骨干教师培训", "start_date": "2023-05-08",
            "end_date": "2023-05-12", "sessions": 1, "participants": 400}
    response = client.post(url, data)
    assert LOCKED in response.content.decode(), response.content.decode()[:2000]
    assert Training.objects.get(pk=training.pk).participants == 40


def test_an_import_touching_a_locked_period_is_refused_whole(year, locked, tmp_path):
    f = tmp_path / "培训.csv"
    f.write_text("东部地区,西部地区,结对类型,东部单位,西部单位,培训类别,培训名称,开始日期,结束日期,培训人数\n"
                 f"广州市南沙区,紫云自治县,学校结对,{year.school.east_org.name},{year.school.west_org.name},"
                 "专业技术人才培训,新增培训,2023-09-01,2023-09-03,20\n", encoding="utf-8-sig")
    result = import_file(f, type_key="training", user=year.users["ziyun"], fast=False)
    assert not result.committed
    assert any(LOCKED in e.reason for e in result.errors), result.errors
    assert not Training.objects.filter(title="新增培训").exists()


def test_a_fast_path_import_into_a_locked_period_is_refused(year, locked, tmp_path):
    f = tmp_path / "劳务.csv"
    f.write_text("东部地区,西部地区,年度,月份,就业去向,人数,新增就业,就业单位\n"
                 "广州市南沙区,紫云自治县,2023,7,到东部就业,5,是,广州电子厂\n"
                 "广州市南沙区,紫云自治县,2024,1,到东部就业,5,是,广州电子厂\n", encoding="utf-8-sig")
    before = Placement.objects.count()
    result = import_file(f, type_key="placement", user=year.users["ziyun"])
    assert not result.committed
    assert any(LOCKED in e for e in result.file_errors), result.file_errors
    assert Placement.objects.count() == before


def test_the_review_queue_cannot_accept_a_figure_into_a_locked_period(year, locked):
    doc = SourceDocument.objects.create(pairing=year.county, title="紫云报道", sha256="x" * 64, format="txt",
                                        text="2023年帮助农村劳动力就业5005人。")
    fact = ProposedFact.objects.create(document=doc, metric="labor.employed", value=Decimal(5005), period="2023",
                                       evidence="2023年帮助农村劳动力就业5005人。", start=0, end=10)
    from shanhai.accounts.writes import WriteRefused

    with pytest.raises(WriteRefused, match=LOCKED):
        fact_accept(user=year.users["ziyun"], fact_id=fact.pk)
    assert not ReportedValue.objects.filter(source_kind="document").exists()
    fact.refresh_from_db()
    assert fact.status == "proposed"


def test_an_approved_plan_refuses_target_changes_in_the_api_and_the_import(client, year, tmp_path):
    plan = services.submission_for(year.county, year.period, Kind.PLAN)
    grid.grid_save(year.users["ziyun"], plan, {**FULL, "labor.employed": "4500"})
    services.move(year.users["ziyun"], plan, "submit")
    services.move(year.users["guizhou"], plan, "approve")
    target = Target.objects.get(year=2023, indicator__code="labor.employed")
    api = _api(client, year.users["ziyun"])
    response = api.patch(f"/api/indicators/targets/{target.pk}", {"value": "1"}, content_type="application/json")
    assert response.status_code == 403 and LOCKED in response.json()["errors"][0]["message"]
    f = tmp_path / "目标.csv"
    f.write_text("指标,东部地区,西部地区,年度,目标值\nlabor.employed,广州市南沙区,紫云自治县,2023,4800\n"
                 "labor.employed,广州市南沙区,紫云自治县,2024,4900\n", encoding="utf-8-sig")
    result = import_file(f, type_key="target", user=year.users["ziyun"])
    assert not result.committed and any(LOCKED in e.reason for e in result.errors)
    assert Target.objects.get(year=2023, indicator__code="labor.employed").value == 4500
    assert not Target.objects.filter(year=2024).exists()
    # next year's plan imports: the same sheet without the locked row
    f.write_text("指标,东部地区,西部地区,年度,目标值\nlabor.employed,广州市南沙区,紫云自治县,2024,4900\n",
                 encoding="utf-8-sig")
    assert import_file(f, type_key="target", user=year.users["ziyun"]).committed
    assert Target.objects.get(year=2024).value == 4900
    assert User.objects.filter(username="ziyun").exists()
