"""The demo's needs and offers (issue 12): 紫云所需、南沙所能, and the same for 水城 and 中山.

Idempotent (nothing is added once any need exists). Written as the system through the matching
services, so every record an accepted match creates goes through the write door like any other.
Work windows lie in 2025, the programme's last year (its pairings end on 2025-12-31); expiry dates are
counted from today so the listings stay available in the demo.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.timezone import localdate

from shanhai.matching import services
from shanhai.matching.models import Need, Offer, Visibility
from shanhai.network.models import Organisation
from shanhai.regions.lookup import find_region

AUTUMN = (dt.date(2025, 9, 1), dt.date(2025, 12, 31))


def _org(name: str) -> Organisation | None:
    return Organisation.objects.filter(name=name).first()


def _post(model: type[Any], region: str, org: str, **kw: Any) -> Any:
    values = dict(quantity=1, unit="人", domain="education", visibility=Visibility.PROGRAMME,
                  start_date=AUTUMN[0], end_date=AUTUMN[1], expires_on=localdate() + dt.timedelta(days=200))
    values.update(kw)
    return services.listing_save(None, model(region=find_region(region), organisation=_org(org) if org else None,
                                             **values))


def demo_matching_load() -> None:
    if Need.objects.exists():
        return
    maths = _post(Need, "紫云自治县", "紫云自治县民族中学", kind="teacher", title="初中数学教师支教一学期",
                  subject="数学", level="初中", quantity=2)
    maths_offer = _post(Offer, "广州市南沙区", "广州市南沙区黄阁中学", kind="teacher", title="数学骨干教师赴紫云支教",
                        subject="数学", level="初中", quantity=3)
    _post(Offer, "大连市中山区", "大连市第八中学", kind="teacher", title="高中英语教师支教", subject="英语",
          level="高中", quantity=1, visibility=Visibility.PUBLIC)
    ortho = _post(Need, "紫云自治县", "紫云自治县人民医院", kind="doctor", title="骨科医生帮扶（开展关节置换）",
                  subject="骨科", level="二级医院", domain="health")
    ortho_offer = _post(Offer, "广州市南沙区", "广州市第一人民医院南沙医院", kind="doctor", title="骨科专家团队",
                        subject="骨科", level="三级医院", quantity=2, domain="health")
    village = _post(Need, "紫云自治县", "", kind="training", title="村医全科能力培训", subject="全科", quantity=40,
                    unit="人次", domain="health")
    course = _post(Offer, "广州市南沙区", "广州市第一人民医院南沙医院", kind="training", title="全科医生培训班（可接收60人次）",
                   subject="全科", quantity=60, unit="人次", domain="health")
    _post(Need, "紫云自治县", "紫云自治县格凸河镇大河村村民委员会", kind="purchase", title="红芯红薯寻找采购方",
          subject="红薯", quantity=50, unit="吨", amount=300_000, domain="consumption",
          start_date=dt.date(2025, 10, 1), end_date=dt.date(2025, 12, 31))
    _post(Offer, "广州市南沙区", "广州南沙农业发展有限公司", kind="purchase", title="年度农产品采购计划",
          subject="红薯", quantity=80, unit="吨", amount=500_000, domain="consumption")
    _post(Need, "紫云自治县", "", kind="jobs", title="脱贫劳动力赴粤务工", quantity=100, domain="labour")
    _post(Offer, "广州市南沙区", "", kind="jobs", title="南沙制造业企业岗位", quantity=200, domain="labour")
    _post(Offer, "广州市南沙区", "广州市南沙区东涌中学", kind="teacher", title="物理教师（已过期）", subject="物理",
          level="高中", expires_on=localdate() - dt.timedelta(days=30))
    _post(Need, "水城区", "水城区第二中学", kind="teacher", title="高中英语教师", subject="英语", level="高中")

    # 紫云's maths teachers: proposed from the ranking, accepted by both (two dispatches, counted)
    match = services.match_propose(None, maths, maths_offer)
    services.match_decide(None, match, accept=True, side="need")
    services.match_decide(None, match, accept=True, side="offer", names=["陈思远", "黄晓梅"])
    # the orthopaedic team: proposed, both sides still to answer; the village doctors: 紫云 has accepted
    services.match_propose(None, ortho, ortho_offer)
    services.match_decide(None, services.match_propose(None, village, course), accept=True, side="need")
