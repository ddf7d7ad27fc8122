"""Needs and offers through the API (scoped, OpenAPI) and the import sheet (all-or-nothing)."""

import io

from django.test import Client
from openpyxl import Workbook

from shanhai.api.models import ApiToken
from shanhai.matching.models import Need
from shanhai.transfer.engine import import_file
from tests.matching.conftest import need


def _client(user) -> Client:
    _token, raw = ApiToken.issue(user=user, name="t")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_api_lists_only_own_scope_and_creates_through_the_guard(market):
    mine = need(market.county.west_region, title="紫云的需求")
    need(market.other.west_region, title="水城的需求")
    api = _client(market.users["ziyun"])
    body = api.get("/api/matching/needs").json()
    assert [item["id"] for item in body["items"]] == [mine.pk]
    payload = {"kind": "doctor", "title": "骨科医生", "subject": "骨科", "quantity": 1, "domain": "health",
               "expires_on": "2099-01-01", "region_id": market.county.west_region_id}
    created = api.post("/api/matching/needs", payload, content_type="application/json")
    assert created.status_code == 201, created.content
    assert Need.objects.get(pk=created.json()["id"]).programme_id == market.county.programme_id
    outside = api.post("/api/matching/needs", {**payload, "region_id": market.other.west_region_id},
                       content_type="application/json")
    assert outside.status_code == 403 and "不在您可填报的数据范围内" in outside.json()["errors"][0]["message"]
    schema = api.get("/api/openapi.json").json()
    assert "/api/matching/needs" in schema["paths"] and "/api/matching/offers" in schema["paths"]


def _file(tmp_path, rows):
    path = tmp_path / "needs.xlsx"
    path.write_bytes(_sheet(rows))
    return path


def _sheet(rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(["所在地区", "单位", "类别", "标题", "学科/专业", "学段/层级", "数量", "领域", "有效期至"])
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_import_is_all_or_nothing(market, tmp_path):
    good = ["紫云自治县", "紫云民族中学", "教师", "初中数学教师", "数学", "初中", 2, "教育", "2027-06-30"]
    bad = ["水城区", "", "教师", "水城英语教师", "英语", "初中", 1, "教育", "2027-06-30"]  # outside 紫云's scope
    result = import_file(_file(tmp_path, [good, bad]), type_key="need", user=market.users["ziyun"])
    assert not result.committed and Need.objects.count() == 0
    assert [(e.row, e.value, e.reason) for e in result.errors] == [
        (3, "水城区", "新增的需求不在您可填报的数据范围内，不能保存；请核对所填地区、单位或结对关系。")]
    result = import_file(_file(tmp_path, [good]), type_key="need", user=market.users["ziyun"])
    assert result.committed and result.created == 1, (result.errors, result.file_errors)
    n = Need.objects.get()
    assert (n.title, n.quantity, n.organisation, n.kind) == ("初中数学教师", 2, market.west_school, "teacher")
