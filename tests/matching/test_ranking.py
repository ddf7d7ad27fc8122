"""Rankings and the market as the people of 紫云, 南沙, 中山 and 水城 would see them."""

import datetime as dt

from shanhai.matching.models import Need, Offer, Visibility
from shanhai.matching.selectors import market as market_of
from shanhai.matching.selectors import rank_offers
from shanhai.regions.lookup import find_region
from tests.matching.conftest import need, offer


def test_own_pairing_maths_teacher_first(market):
    n = need(market.county.west_region, organisation=market.west_school, title="初中数学教师")
    own = offer(market.county.east_region, organisation=market.east_school, title="东涌中学数学教师",
                visibility=Visibility.PUBLIC)
    unrelated = offer(find_region("大连市中山区"), title="中山区英语教师", subject="英语", level="高中",
                      visibility=Visibility.PUBLIC)
    ranked = rank_offers(market.users["ziyun"], n)
    assert [r.offer for r in ranked] == [own, unrelated]
    assert ranked[0].relation == "own" and ranked[0].pairing_id == market.school.pk  # the two schools' own pair
    assert ranked[0].score.total > ranked[1].score.total
    assert any(r.startswith("本结对") for r in ranked[0].score.reasons)


def test_an_expired_or_withdrawn_offer_never_shows(market):
    n = need(market.county.west_region)
    offer(market.county.east_region, title="过期", expires_on=dt.date(2020, 1, 1))
    offer(market.county.east_region, title="撤回", state="withdrawn")
    live = offer(market.county.east_region, title="有效")
    assert [r.offer for r in rank_offers(market.users["ziyun"], n)] == [live]
    assert list(market_titles(market.users["nansha"], Offer)) == ["有效"]  # even to the side that posted them


def market_titles(user, model):
    return market_of(user, model).order_by("title").values_list("title", flat=True)


def test_a_unit_sees_only_what_it_may(market):
    """Visibility: 仅结对双方 reaches the partner across the pairing only; 同一协作项目 every unit of the
    programme; nothing reaches a user of another programme unless it is 全部单位."""
    ziyun = market.county.west_region
    need(ziyun, title="结对双方", visibility=Visibility.PAIRING)
    need(ziyun, title="同一项目", visibility=Visibility.PROGRAMME)
    need(ziyun, title="全部", visibility=Visibility.PUBLIC)
    need(find_region("水城区"), title="水城结对双方", visibility=Visibility.PAIRING)
    assert list(market_titles(market.users["nansha"], Need)) == ["全部", "同一项目", "结对双方"]
    assert list(market_titles(market.users["zhongshan"], Need)) == ["全部", "同一项目", "水城结对双方"]
    assert list(market_titles(market.users["ziyun"], Need)) == ["全部", "同一项目", "结对双方"]
    outsider = _user_elsewhere()
    assert list(market_titles(outsider, Need)) == ["全部"]


def _user_elsewhere():
    from tests.factories import PairingFactory, ProgrammeFactory
    from tests.matching.conftest import officer

    PairingFactory(programme=ProgrammeFactory(name="对口支援（其他）"), east_region=find_region("北京市延庆区"),
                   west_region=find_region("内乡县"))
    return officer("neixiang", region=find_region("内乡县"))


def test_ranking_for_zhongshan_does_not_show_what_it_may_not_see(market):
    n = need(find_region("水城区"), visibility=Visibility.PAIRING)
    hidden = offer(market.county.east_region, title="仅南沙—紫云", visibility=Visibility.PAIRING)
    shown = offer(find_region("大连市中山区"), title="中山数学教师", visibility=Visibility.PAIRING)
    assert [r.offer for r in rank_offers(market.users["shuicheng"], n)] == [shown]
    assert hidden not in [r.offer for r in rank_offers(market.users["shuicheng"], n)]
