"""Every import type: its template, a real import, and a re-import that changes nothing."""

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from shanhai.economy.models import IndustrialPark, Investment, Workshop
from shanhai.network.models import Organisation, OrgKind, Pairing, PairingKind
from shanhai.people.models import Dispatch, Person
from shanhai.projects.models import Donation, FundAllocation, Project
from shanhai.regions.lookup import find_region
from shanhai.transfer.engine import import_file
from shanhai.transfer.specs import TYPES
from shanhai.transfer.templates import template_csv, template_xlsx
from tests.factories import OrganisationFactory, ProjectFactory
from tests.transfer.conftest import HEAD, PAIR

PROGRAMME = "东西部协作（2021—2025年）"


@pytest.mark.parametrize("key", sorted(TYPES))
def test_template_has_headers_and_an_explanation_sheet(key):
    spec = TYPES[key]
    wb = load_workbook(io.BytesIO(template_xlsx(spec)))
    data, guide = wb.worksheets[0], wb["填写说明"]
    headers = [c.value for c in data[1]]
    assert headers == [("*" if c.required else "") + c.header for c in spec.columns]
    assert data.freeze_panes == "A2"
    assert spec.natural_key_doc in guide["A2"].value
    explained = {row[0].value: row for row in guide.iter_rows(min_row=5) if row[0].value}
    for c in spec.columns:
        assert c.header in explained
        assert explained[c.header][2].value  # the format or the choices
    assert template_csv(spec).startswith(b"\xef\xbb\xbf")
    assert template_csv(spec).decode("utf-8-sig").split("\r\n")[0].split(",") == headers


def _import_twice(path, model, expected, existing=0):
    first = import_file(path)
    assert first.ok, (first.errors, first.file_errors)
    assert (first.created, model.objects.count()) == (expected, expected + existing)
    again = import_file(path)
    assert again.ok and (again.created, again.updated, again.unchanged) == (0, 0, expected)
    return first


def test_organisations(db, csv_file):
    f = csv_file([["单位名称", "单位类别", "所在地区"],
                  ["广州市南沙区东涌中学", "高级中学", "广州市南沙区"],
                  ["紫云自治县人民医院", "医院", "紫云县"]])
    _import_twice(f, Organisation, 2)
    assert Organisation.objects.get(kind=OrgKind.HOSPITAL).region == find_region("紫云自治县")


def test_pairings_find_their_parent(pairing, csv_file):
    OrganisationFactory(name="广州市南沙区东涌中学", kind=OrgKind.HIGH_SCHOOL, region=find_region("广州市南沙区"))
    OrganisationFactory(name="紫云自治县民族高级中学", kind=OrgKind.HIGH_SCHOOL, region=find_region("紫云自治县"))
    f = csv_file([
        ["协作项目", "结对类型", "东部地区", "西部地区", "东部单位", "西部单位", "东部乡镇/村", "西部乡镇/村", "开始日期", "重点领域"],
        [PROGRAMME, "学校结对", "广州市南沙区", "紫云自治县", "广州市南沙区东涌中学", "紫云自治县民族高级中学", "", "",
         "2021-09-01", "教育"],
        [PROGRAMME, "乡镇（街道）结对", "广州市南沙区", "紫云自治县", "", "", "东涌镇", "坝羊镇", "2021-03-01", "乡村振兴、产业合作"],
    ])
    _import_twice(f, Pairing, 2, existing=1)  # the county pairing is there already
    school = Pairing.objects.get(kind=PairingKind.SCHOOL)
    assert school.parent == pairing and school.path == f"{pairing.pk}/{school.pk}/"
    assert Pairing.objects.get(kind=PairingKind.TOWNSHIP).domains == ["rural", "industry"]


def test_pairing_rules_of_the_model_apply(pairing, csv_file):
    f = csv_file([["协作项目", "结对类型", "东部地区", "西部地区"],
                  [PROGRAMME, "学校结对", "广州市南沙区", "紫云自治县"]])
    result = import_file(f)
    assert "学校结对须填写「东部单位」" in result.errors[0].reason


def test_dispatches_create_people_once_and_keep_ids_hashed(pairing, csv_file):
    OrganisationFactory(name="广州市南沙区东涌中学", kind=OrgKind.HIGH_SCHOOL, region=find_region("广州市南沙区"))
    head = HEAD + ["姓名", "性别", "身份证号", "工作单位", "方向", "类别", "专业类别", "计划开始日期", "计划结束日期"]
    f = csv_file([
        head,
        PAIR + ["李明", "男", "110101199003074514", "广州市南沙区东涌中学", "东部→西部", "专业技术人才", "教师", "2023-03-01", "2024-02-28"],
        PAIR + ["李明", "男", "110101199003074514", "广州市南沙区东涌中学", "东部→西部", "专业技术人才", "教师", "2024-03-01", ""],
        PAIR + ["王芳", "女", "", "广州市南沙区东涌中学", "东部→西部", "挂职干部", "党政干部", "2023-03-01", ""],
    ])
    _import_twice(f, Dispatch, 3)
    assert Person.objects.count() == 2
    li = Person.objects.get(name="李明")
    assert li.id_number_masked == "110101********4514" and len(li.id_number_hash) == 64
    assert Person.history.filter(id_number_masked__contains="199003").count() == 0


def test_dispatch_identity_errors_never_echo_the_number(pairing, csv_file):
    head = HEAD + ["姓名", "身份证号", "方向", "类别", "计划开始日期"]
    f = csv_file([head, PAIR + ["李明", "110101199003074515", "东部→西部", "挂职干部", "2023-03-01"]])
    result = import_file(f)
    [error] = result.errors
    assert "校验位不正确" in error.reason and error.value == "110101********4515"


def test_activities_projects_funds_donations(pairing, csv_file):
    from shanhai.activities.models import Activity

    f = csv_file([HEAD + ["活动类型", "活动名称", "日期", "参加人数"],
                  PAIR + ["调研对接", "党政代表团赴紫云调研", "2023年4月1日", "12"]])
    _import_twice(f, Activity, 1)
    f = csv_file([HEAD + ["项目名称", "项目类型", "行业领域", "总投资（万元）", "新增学位", "开工日期"],
                  PAIR + ["紫云第二幼儿园", "幼儿园", "教育", "305.65", "360", "2023-03-01"]], name="p.csv")
    _import_twice(f, Project, 1)
    project = Project.objects.get()
    assert (project.budget, project.location) == (3_056_500, pairing.west_region)
    f = csv_file([HEAD + ["帮扶项目", "年度", "资金来源", "安排资金", "已拨付"],
                  PAIR + ["紫云第二幼儿园", "2023", "财政援助资金", "300万", "120万"],
                  PAIR + ["", "2023", "社会帮扶资金", "50万", "50万"]], name="f.csv")
    _import_twice(f, FundAllocation, 2)
    assert FundAllocation.objects.get(project=project).sector == "education"
    bad = csv_file([HEAD + ["年度", "资金来源", "安排资金", "已拨付"], PAIR + ["2023", "地方配套资金", "10万", "20万"]],
                   name="bad.csv")
    assert import_file(bad).errors[0].reason == "「已拨付」不能超过「安排资金」。"
    f = csv_file([HEAD + ["捐赠方", "受赠方", "捐赠类型", "价值（元）", "捐赠日期"],
                  PAIR + ["南沙区慈善会", "紫云自治县教育局", "资金", "100,000", "2023-06-01"]], name="d.csv")
    _import_twice(f, Donation, 1)


def test_investments_workshops(pairing, csv_file):
    OrganisationFactory(name="广州南沙农业发展有限公司", kind=OrgKind.ENTERPRISE, region=find_region("广州市南沙区"))
    IndustrialPark.objects.create(pairing=pairing, name="紫云产业园", region=pairing.west_region,
                                  established=dt.date(2022, 1, 1))
    f = csv_file([HEAD + ["企业", "入驻园区", "年度", "实际到位投资", "吸纳农村劳动力就业"],
                  PAIR + ["广州南沙农业发展有限公司", "紫云产业园", "2023", "3.89亿", "172人"]])
    _import_twice(f, Investment, 1)
    assert Investment.objects.get().amount == 389_000_000
    f = csv_file([HEAD + ["车间名称", "所在地区", "建成日期", "吸纳就业", "位于易地搬迁安置点"],
                  PAIR + ["坝羊镇帮扶车间", "紫云县", "2022-07-01", "130", "是"]], name="w.csv")
    _import_twice(f, Workshop, 1)
    bad = csv_file([HEAD + ["车间名称", "所在地区", "建成日期"], PAIR + ["外地车间", "广州市南沙区", "2022-07-01"]],
                   name="bad.csv")
    assert "不在受援地区" in import_file(bad).errors[0].reason


def test_fund_for_an_unknown_project_is_refused(pairing, csv_file):
    ProjectFactory(pairing=pairing, name="另一个项目")
    f = csv_file([HEAD + ["帮扶项目", "年度", "资金来源", "安排资金"], PAIR + ["不存在的项目", "2023", "财政援助资金", "10万"]])
    assert "未找到帮扶项目“不存在的项目”" in import_file(f).errors[0].reason


def test_template_example_row_imports(pairing, tmp_path):
    """Fill a downloaded template with the examples from its own explanation sheet, and import it."""
    spec = TYPES["training"]
    wb = load_workbook(io.BytesIO(template_xlsx(spec)))
    guide = wb["填写说明"]
    examples = {row[0].value: row[4].value for row in guide.iter_rows(min_row=5) if row[0].value}
    data = wb.worksheets[0]
    data.append([examples.get(c.header) or None for c in spec.columns])
    path = tmp_path / "filled.xlsx"
    wb.save(path)
    result = import_file(path)
    assert result.ok, (result.errors, result.file_errors)
    assert result.type_key == "training" and result.created == 1
    # the template's own help sheet is not news to the user (issue 15)
    assert not any("填写说明" in note for note in result.notes), result.notes
