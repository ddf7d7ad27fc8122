"""Propose, accept on both sides, and the records and indicators that follow; refusals save nothing."""

import pytest

from shanhai.accounts.writes import WriteRefused
from shanhai.core.errors import ShanhaiError
from shanhai.indicators.models import PairingValue
from shanhai.matching import services
from shanhai.matching.models import Match, MatchState, Need
from shanhai.people.models import Dispatch
from tests.matching.conftest import need, offer


def teachers(pairing) -> int:
    row = PairingValue.objects.filter(pairing=pairing, indicator__code="talent.e2w.teacher", year=2024,
                                      period=0).first()
    return int(row.value) if row else 0


def test_both_accept_and_a_dispatch_counts(market):
    ziyun, nansha = market.users["ziyun"], market.users["nansha"]
    n = need(market.county.west_region, organisation=market.west_school, quantity=2, title="初中数学教师两名")
    o = offer(market.county.east_region, organisation=market.east_school, quantity=3)
    match = services.match_propose(ziyun, n, o)
    assert match.pairing == market.school and match.quantity == 2 and match.state == MatchState.PROPOSED
    before = teachers(market.school)
    match = services.match_decide(ziyun, match, accept=True)
    assert match.state == MatchState.NEED_ACCEPTED and not Dispatch.objects.exists()
    with pytest.raises(ShanhaiError):
        services.match_decide(ziyun, match, accept=True, side="offer")  # 紫云 cannot accept for 南沙
    match = services.match_decide(nansha, match, accept=True, names=["李老师"])
    assert match.state == MatchState.ACCEPTED
    dispatches = list(Dispatch.objects.filter(pairing=market.school).select_related("person"))
    assert sorted(d.person.name for d in dispatches) == [f"东涌中学数学教师2（对接#{match.pk}）", "李老师"]
    assert {r["id"] for r in match.records} == {d.pk for d in dispatches}
    assert all(d.host == market.west_school and d.profession == "teacher" for d in dispatches)
    assert dispatches[0].history.first().history_change_reason == f"对接匹配#{match.pk}"
    assert teachers(market.school) == before + 2
    # the offer's capacity left: 1
    n2 = need(market.county.west_region, quantity=5, title="再要教师")
    assert services.match_propose(ziyun, n2, o).quantity == 1


def test_declined_frees_the_capacity_and_creates_nothing(market):
    n = need(market.county.west_region)
    o = offer(market.county.east_region)
    match = services.match_decide(market.users["nansha"], services.match_propose(market.users["ziyun"], n, o),
                                  accept=False)
    assert match.state == MatchState.DECLINED and not Dispatch.objects.exists()
    assert services.match_propose(market.users["ziyun"], n, o).state == MatchState.PROPOSED


def test_outsider_cannot_decide_or_edit(market):
    n = need(market.county.west_region)
    match = services.match_propose(market.users["ziyun"], n, offer(market.county.east_region))
    with pytest.raises(WriteRefused):
        services.match_decide(market.users["zhongshan"], match, accept=True)
    n.title = "改掉"
    with pytest.raises(WriteRefused):
        services.listing_save(market.users["nansha"], n)  # the partner sees it, but only 紫云 posts it
    assert Need.objects.get(pk=n.pk).title == "数学教师"


def test_a_refused_record_rolls_the_acceptance_back(market):
    """An offer without a unit cannot become a dispatch: nothing is saved, the match stays half-accepted."""
    n = need(market.county.west_region)
    o = offer(market.county.east_region)  # no organisation
    match = services.match_decide(market.users["ziyun"], services.match_propose(market.users["ziyun"], n, o),
                                  accept=True)
    with pytest.raises(ShanhaiError, match="资源未填写派出单位"):
        services.match_decide(market.users["nansha"], match, accept=True)
    assert Match.objects.get(pk=match.pk).state == MatchState.NEED_ACCEPTED and not Dispatch.objects.exists()


def test_training_need_becomes_a_training(market):
    from shanhai.activities.models import Training

    n = need(market.county.west_region, kind="training", title="村医培训", subject="全科", quantity=40, unit="人次",
             domain="health")
    o = offer(market.county.east_region, kind="training", title="全科医生培训班", subject="全科", quantity=60,
              unit="人次", domain="health")
    match = services.match_propose(market.users["ziyun"], n, o)
    services.match_decide(market.users["ziyun"], match, accept=True)
    services.match_decide(market.users["nansha"], match, accept=True)
    training = Training.objects.get()
    assert training.participants == 40 and training.pairing == market.county and training.title == "村医培训"


def test_withdrawn_need_declines_its_open_proposals(market):
    n = need(market.county.west_region)
    match = services.match_propose(market.users["ziyun"], n, offer(market.county.east_region))
    services.listing_withdraw(market.users["ziyun"], n)
    assert Match.objects.get(pk=match.pk).state == MatchState.DECLINED


def test_assignment_for_the_programme(market):
    from shanhai.regions.lookup import find_region

    ziyun, shuicheng = market.county.west_region, find_region("水城区")
    need(ziyun, quantity=2, title="紫云数学")
    need(shuicheng, quantity=1, title="水城数学")
    offer(market.county.east_region, quantity=2, title="南沙数学")
    offer(find_region("大连市中山区"), quantity=1, title="中山数学")
    admin = _national()
    result = services.assignment_propose(admin, programme_id=market.county.programme_id, commit=True)
    got = sorted((n.title, o.title, q) for n, o, q, _, _ in result["rows"])
    assert got == [("水城数学", "中山数学", 1), ("紫云数学", "南沙数学", 2)]  # each with its own pair
    assert len(result["created"]) == 2 and Match.objects.count() == 2


def _national():
    from django.contrib.auth.models import User

    return User.objects.create_superuser("guojia", password="pw-guojia-1")
