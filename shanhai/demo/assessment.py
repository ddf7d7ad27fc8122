"""The demo's 2023 assessment (考核): opened on the default scheme, every county pair's draft computed and
graded, with one of each thing people do to a draft.

- the national office (`guojia`, also the national reviewer) opens each programme's 2023 scheme, copied
  from the default scheme and frozen, and scores every pair's qualitative items;
- 贵州省协作办 adjusts one computed item of 紫云 (消费帮扶) with a written reason;
- 紫云 writes its self-evaluation and objects to one item; 安顺 (the level above) decides it;
- pairs whose reports are approved and locked are finalised; the others stay in review, their unlocked
  reports shown as what blocks finalising (紫云's own report is still a draft in the workflow story).

Every write goes through `assessment.services` as the person who would make it. Idempotent: once the
2023 scheme is open, nothing is done again.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.models import User
from django.db import transaction

from shanhai.assessment import services
from shanhai.assessment.models import Assessment, ItemKind, Scheme, SchemeState, Score
from shanhai.network.models import Pairing, PairingKind, Programme
from shanhai.regions.lookup import find_region
from shanhai.workflow.models import Period

YEAR = 2023
# qualitative points by pair (east county name): the national reviewer's view of each pair's year
QUALITATIVE = {
    "南沙区": {"q.leadership": "7.5", "q.innovation": "5", "q.inspection": "5.5"},
    "中山区": {"q.leadership": "7", "q.innovation": "4", "q.inspection": "5"},
    "海淀区": {"q.leadership": "8", "q.innovation": "5.5", "q.inspection": "6"},
    "朝阳区": {"q.leadership": "6", "q.innovation": "3.5", "q.inspection": "4"},
    "丰台区": {"q.leadership": "7", "q.innovation": "4.5", "q.inspection": "5"},
    "延庆区": {"q.leadership": "8", "q.innovation": "6", "q.inspection": "6"},
}
DEFAULT_QUALITATIVE = {"q.leadership": "6", "q.innovation": "4", "q.inspection": "4"}


def _score(a: Assessment, code: str) -> Score | None:
    return (Score.objects.select_related("item", "assessment__scheme", "assessment__pairing__east_region",
                                         "assessment__pairing__west_region")
            .filter(assessment=a, item__code=code).first())


@transaction.atomic
def demo_assessment_load(people: dict[str, User]) -> None:
    """Open and work through 2023's assessment of every programme with county pairs and a 2023 period."""
    nation = people.get("guojia")
    if nation is None:
        return
    programmes = Programme.objects.filter(
        pk__in=Pairing.objects.filter(kind=PairingKind.COUNTY).values("programme_id")).filter(
        pk__in=Period.objects.filter(year=YEAR, quarter=0).values("programme_id")).order_by("pk")
    for programme in programmes:
        if Scheme.objects.filter(programme=programme, year=YEAR).exclude(state=SchemeState.DRAFT).exists():
            continue  # opened on an earlier start
        scheme = services.scheme_for(programme, YEAR)
        services.scheme_open(nation, scheme)
        _review(scheme, people)


def _review(scheme: Scheme, people: dict[str, User]) -> None:
    nation = people["guojia"]
    nansha = find_region("广州市南沙区")
    for a in (Assessment.objects.filter(scheme=scheme)
              .select_related("scheme", "pairing__east_region", "pairing__west_region").order_by("pairing_id")):
        points = QUALITATIVE.get(a.pairing.east_region.name, DEFAULT_QUALITATIVE)
        for s in (Score.objects.filter(assessment=a, item__kind=ItemKind.QUALITATIVE)
                  .select_related("item", "assessment__scheme", "assessment__pairing__east_region",
                                  "assessment__pairing__west_region")):
            value = points.get(s.item.code, DEFAULT_QUALITATIVE.get(s.item.code, "0"))
            value = min(Decimal(value), Decimal(s.item.weight))
            services.score_adjust(nation, s, value, f"全国考核评审组{YEAR}年度实地核查：{s.item.label}按核查情况评分。")
        if nansha is not None and a.pairing.east_region_id == nansha.pk:
            _nansha_ziyun(a, people)
        a.refresh_from_db()
        if not services.finalise_problems(a):
            services.assessment_finalise(nation, a)


def _nansha_ziyun(a: Assessment, people: dict[str, User]) -> None:
    """紫云's draft: the province adjusts one computed item with a reason; 紫云 evaluates itself and objects
    to the late-report deduction; 安顺 rejects the objection."""
    guizhou, ziyun, anshun = people.get("guizhou"), people.get("ziyun"), people.get("anshun")
    sales = _score(a, "consume.sales")
    if guizhou is not None and sales is not None:
        full = services.points_range(sales.item)[1]
        services.score_adjust(guizhou, sales, full, "12月“南沙订单”直播带货已签约未结算的销售额经省协作办核对"
                              "合同与发货单后计入，全年完成率达到100%。")
    if ziyun is None:
        return
    services.assessment_self_evaluate(
        ziyun, a, "2023年紫云自治县与南沙区共同完成年度协议的主要目标任务：财政援助资金全部到位，"
        "劳动力就业和消费帮扶超额完成；创新“南沙订单+紫云基地”产销模式。")
    late = _score(a, "d.late")
    if late is None:
        return
    obj = services.objection_raise(ziyun, late, "年度工作报告已于截止日前线下报送省协作办，系统填报延后不属逾期。",
                                   evidence="贵州省协作办收文登记（2024年1月29日）", asked_points="0")
    if anshun is not None:
        services.objection_decide(anshun, obj, upheld=False,
                                  decision="考核以系统报送时间为准，线下报送不能代替系统填报，异议不成立。")
