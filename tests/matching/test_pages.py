"""The /match/ pages: who sees and may do what, partner search, the English page."""

import re

from django.test import Client

from shanhai.matching.models import Need, Visibility
from tests.matching.conftest import need, offer


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_post_a_need_through_the_form(market):
    ziyun = _client(market.users["ziyun"])
    page = ziyun.get("/match/needs/new/")
    assert page.status_code == 200 and "紫云苗族布依族自治县" in page.content.decode()  # the scope's place
    data = {"region_name": "紫云自治县", "organisation_name": "紫云民族中学", "kind": "teacher", "title": "初中数学教师",
            "subject": "数学", "level": "初中", "quantity": "2", "unit": "人", "amount": "0", "domain": "education",
            "visibility": "programme", "expires_on": "2099-01-01"}
    response = ziyun.post("/match/needs/new/", data)
    assert response.status_code == 302, response.content.decode()
    assert Need.objects.get().organisation == market.west_school
    wrong = ziyun.post("/match/needs/new/", {**data, "region_name": "水城区", "organisation_name": "", "title": "水城的"})
    assert wrong.status_code == 403 and "只有发布方" in wrong.content.decode(), re.findall(r"role=.alert.>([^<]*)", wrong.content.decode())
    bad = ziyun.post("/match/needs/new/", {**data, "organisation_name": "不存在中学"})
    assert "没有名为“不存在中学”的单位" in bad.content.decode() and Need.objects.count() == 1


def test_outsider_gets_no_page_and_partner_search_is_scoped(market):
    n = need(market.county.west_region, visibility=Visibility.PAIRING, organisation=market.west_school)
    offer(market.county.east_region, organisation=market.east_school, visibility=Visibility.PAIRING)
    assert _client(market.users["zhongshan"]).get(f"/match/needs/{n.pk}/").status_code == 403
    nansha = _client(market.users["nansha"])
    assert nansha.get(f"/match/needs/{n.pk}/").status_code == 200  # the partner across the pairing
    found = nansha.get("/match/partners/", {"place": "紫云自治县", "subject": "数学"}).content.decode()
    assert "紫云民族中学" in found and "东涌中学 — 紫云民族中学" in found
    hidden = _client(market.users["zhongshan"]).get("/match/partners/", {"place": "紫云自治县"}).content.decode()
    assert "紫云民族中学" not in hidden


def test_english_page(market):
    client = _client(market.users["ziyun"])
    page = client.get("/match/", HTTP_ACCEPT_LANGUAGE="en")
    client.cookies["django_language"] = "en"
    page = client.get("/match/")
    assert "Post a need" in page.content.decode() and "Proposals" in page.content.decode()


