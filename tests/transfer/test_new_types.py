"""Issue 15: templates and imports for parks, 组团式 teams, 师带徒 mentorships, agreements and programmes.

Files are written by openpyxl from the downloaded template (as a user fills it in Excel), imported,
and imported again (nothing new: natural keys); the same all-or-nothing and scope rules apply.
"""

import datetime as dt
import io

import pytest
from django.contrib.auth.models import Group, User
from openpyxl import load_workbook

from shanhai.accounts.models import Scope
from shanhai.economy.models import IndustrialPark
from shanhai.network.models import Agreement, OrgKind, Programme
from shanhai.people.models import Mentorship, Person, Team
from shanhai.regions.lookup import find_region
from shanhai.transfer.engine import import_file
from shanhai.transfer.specs import TYPES
from shanhai.transfer.templates import template_xlsx
from tests.factories import OrganisationFactory
from tests.transfer.conftest import PAIR


def filled_template(tmp_path, key, rows, name=None):
    """The type's .xlsx template as downloaded, with `rows` ({header: value}) typed under its header row."""
    spec = TYPES[key]
    wb = load_workbook(io.BytesIO(template_xlsx(spec)))
    ws = wb.worksheets[0]
    headers = [str(c.value).lstrip("*") for c in ws[1]]
    for i, row in enumerate(rows, start=2):
        for j, header in enumerate(headers, start=1):
            ws.cell(row=i, column=j, value=row.get(header))
    path = tmp_path / (name or f"{key}.xlsx")
    wb.save(path)
    return path


def _twice(path, model, expected, existing=0, **kw):
    first = import_file(path, **kw)
    assert first.ok and first.committed, ([(e.row, e.column, e.reason) for e in first.errors], first.file_errors)
    assert first.created == expected and model.objects.count() == expected + existing
    again = import_file(path, **kw)
    assert again.ok and (again.created, again.updated, again.unchanged) == (0, 0, expected)
    return first


def test_new_types_have_templates():
    for key in ("park", "team", "mentorship", "agreement", "programme"):
        assert key in TYPES
        wb = load_workbook(io.BytesIO(template_xlsx(TYPES[key])))
        assert wb["填写说明"]["A2"].value and TYPES[key].natural_key_doc in wb["填写说明"]["A2"].value


def test_parks(pairing, tmp_path):
    east, west = PAIR
    path = filled_template(tmp_path, "park", [
        {"东部地区": east, "西部地区": west, "园区名称": "南沙—紫云产业园", "共建日期": dt.date(2021, 6, 1), "规划面积（亩）": 1200},
        {"东部地区": east, "西部地区": west, "园区名称": "第二园区", "所在地区": "紫云自治县", "共建日期": "2022年3月1日"},
    ])
    result = _twice(path, IndustrialPark, 2)
    park = IndustrialPark.objects.get(name="南沙—紫云产业园")
    assert (park.pairing, park.region, park.established, park.area_mu) == (pairing, pairing.west_region, dt.date(2021, 6, 1), 1200)
    assert result.records[0]["count"] == 2
    bad = filled_template(tmp_path, "park", [
        {"东部地区": east, "西部地区": west, "园区名称": "错园", "所在地区": "广州市南沙区", "共建日期": "2021-01-01",
         "规划面积（亩）": -3}], name="bad.xlsx")
    refused = import_file(bad)
    assert not refused.committed and {e.column.lstrip("*") for e in refused.errors} >= {"所在地区", "规划面积（亩）"}


def test_teams_with_a_leader_found_or_created(pairing, tmp_path):
    hospital = OrganisationFactory(name="紫云自治县人民医院", kind=OrgKind.HOSPITAL, region=find_region("紫云自治县"))
    sender = OrganisationFactory(name="南沙区第一人民医院", kind=OrgKind.HOSPITAL, region=find_region("广州市南沙区"))
    east, west = PAIR
    path = filled_template(tmp_path, "team", [
        {"东部地区": east, "西部地区": west, "团队名称": "组团式帮扶医疗队", "领域": "医疗卫生", "接收单位": hospital.name,
         "团队负责人姓名": "李明", "团队负责人工作单位": sender.name, "开始日期": dt.date(2023, 3, 1)},
        {"东部地区": east, "西部地区": west, "团队名称": "组团式帮扶教育队", "领域": "教育", "接收单位": hospital.name,
         "开始日期": dt.date(2023, 9, 1), "结束日期": dt.date(2024, 7, 1)},
    ])
    result = _twice(path, Team, 2)
    team = Team.objects.get(name="组团式帮扶医疗队")
    assert (team.host, team.leader.name, team.leader.organisation, team.domain) == (hospital, "李明", sender, "health")
    assert Person.objects.count() == 1  # created once, found the second time
    assert {r["model"] for r in result.records} == {"people.team", "people.person"}
    bad = filled_template(tmp_path, "team", [
        {"东部地区": east, "西部地区": west, "团队名称": "队", "领域": "医疗卫生", "接收单位": "不存在的医院",
         "开始日期": dt.date(2023, 3, 1), "结束日期": dt.date(2022, 3, 1)}], name="bad.xlsx")
    refused = import_file(bad)
    assert not refused.committed and [e.column.lstrip("*") for e in refused.errors] == ["接收单位", "结束日期"]


def test_mentorships_by_identity_number_or_name_and_unit(pairing, tmp_path):
    school = OrganisationFactory(name="紫云自治县民族中学", kind=OrgKind.HIGH_SCHOOL, region=find_region("紫云自治县"))
    east, west = PAIR
    path = filled_template(tmp_path, "mentorship", [
        {"东部地区": east, "西部地区": west, "师傅姓名": "李明", "师傅身份证号": "110101199003074514",
         "徒弟姓名": "王芳", "徒弟工作单位": school.name, "领域": "教育", "开始日期": dt.date(2023, 3, 1)},
        {"东部地区": east, "西部地区": west, "师傅姓名": "李明", "师傅身份证号": "110101199003074514",
         "徒弟姓名": "张强", "徒弟工作单位": school.name, "领域": "教育", "开始日期": dt.date(2023, 3, 1)},
    ])
    _twice(path, Mentorship, 2)
    assert Person.objects.count() == 3  # one master with two apprentices
    mentor = Person.objects.get(name="李明")
    assert mentor.id_number_masked and "110101199003074514" not in str(Person.objects.values_list())
    assert set(Mentorship.objects.values_list("apprentice__name", flat=True)) == {"王芳", "张强"}
    same = filled_template(tmp_path, "mentorship", [
        {"东部地区": east, "西部地区": west, "师傅姓名": "王芳", "师傅工作单位": school.name, "徒弟姓名": "王芳",
         "徒弟工作单位": school.name, "开始日期": dt.date(2024, 3, 1)}], name="same.xlsx")
    refused = import_file(same)
    assert not refused.committed and "不能是同一人" in refused.errors[0].reason


def test_agreements(pairing, tmp_path):
    east, west = PAIR
    path = filled_template(tmp_path, "agreement", [
        {"东部地区": east, "西部地区": west, "协议名称": "2023年协作协议", "签订日期": dt.date(2023, 3, 1),
         "涉及领域": "教育、医疗卫生"},
    ])
    _twice(path, Agreement, 1)
    agreement = Agreement.objects.get()
    assert (agreement.pairing, agreement.domains) == (pairing, ["education", "health"])


@pytest.fixture
def clerk(pairing):
    user = User.objects.create_user("clerk", password="pw")
    user.groups.add(Group.objects.get(name="数据填报员"))
    Scope.objects.create(user=user, pairing=pairing)
    return user


def test_programmes_only_by_the_national_office(db, tmp_path, clerk):
    path = filled_template(tmp_path, "programme", [
        {"协作项目名称": "新协作项目（2026—2030年）", "协作项目类型": "东西部协作", "起始年度": 2026, "截止年度": 2030,
         "东部省份": "广东省、浙江省", "西部省份": "贵州省"},
    ])
    refused = import_file(path, user=clerk)
    assert not refused.committed and not Programme.objects.filter(name__startswith="新协作").exists()
    _twice(path, Programme, 1, existing=Programme.objects.count())
    programme = Programme.objects.get(name="新协作项目（2026—2030年）")
    assert sorted(r.name for r in programme.east_provinces.all()) == ["广东省", "浙江省"]
    assert [r.name for r in programme.west_provinces.all()] == ["贵州省"]
    changed = filled_template(tmp_path, "programme", [
        {"协作项目名称": "新协作项目（2026—2030年）", "协作项目类型": "东西部协作", "起始年度": 2026, "截止年度": 2030,
         "东部省份": "广东省", "西部省份": "贵州省、云南省"}], name="changed.xlsx")
    result = import_file(changed)
    assert result.committed and result.updated == 1
    assert sorted(r.name for r in programme.west_provinces.all()) == ["云南省", "贵州省"]
    assert [r.name for r in programme.east_provinces.all()] == ["广东省"]
    bad = filled_template(tmp_path, "programme", [
        {"协作项目名称": "坏项目", "协作项目类型": "东西部协作", "起始年度": 2030, "截止年度": 2026, "东部省份": "广州市"}],
        name="bad.xlsx")
    refused = import_file(bad)
    assert not refused.committed and {e.column.lstrip("*") for e in refused.errors} == {"东部省份", "截止年度"}


def test_new_programmes_provinces_written_together_once_each(db, tmp_path):
    """Issue 17: a new record's many-to-many rows are inserted in bulk, each province once (as set() adds it)."""
    path = filled_template(tmp_path, "programme", [
        {"协作项目名称": f"批量协作项目{i}", "协作项目类型": "东西部协作", "东部省份": "广东省、广东省、浙江省",
         "西部省份": "贵州省" if i % 2 else ""} for i in range(3)])
    result = import_file(path)
    assert result.committed and result.created == 3
    for i in range(3):
        programme = Programme.objects.get(name=f"批量协作项目{i}")
        assert sorted(r.name for r in programme.east_provinces.all()) == ["广东省", "浙江省"]
        assert [r.name for r in programme.west_provinces.all()] == (["贵州省"] if i % 2 else [])
