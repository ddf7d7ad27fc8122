"""The JSON API: tokens, scoping on every read and write, filters, pagination, structured errors."""

import datetime as dt
import io

from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.utils import timezone

from shanhai.api.models import ApiToken, token_digest
from shanhai.economy.models import Placement
from tests.factories import PairingFactory, PlacementFactory, TrainingFactory


def test_tokens_are_stored_as_digests_and_checked(client, network):
    user = User.objects.create_superuser("root", password="pw")
    row, token = ApiToken.issue(user)
    assert row.digest == token_digest(token) and token not in str(ApiToken.objects.values_list())
    assert client.get("/api/economy/placements").status_code == 401
    body = client.get("/api/economy/placements", HTTP_AUTHORIZATION="Bearer nope").json()
    assert "Authorization: Bearer" in body["errors"][0]["message"]
    assert client.get("/api/economy/placements", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
    row.expires_at = timezone.now() - dt.timedelta(minutes=1)
    row.save()
    assert client.get("/api/economy/placements", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401
    row.expires_at, row.revoked = None, True
    row.save()
    assert client.get("/api/economy/placements", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401


def test_token_command_prints_a_working_token(client, network):
    User.objects.create_superuser("root", password="pw")
    out = io.StringIO()
    call_command("api_token", "root", "--name", "ci", stdout=out, stderr=io.StringIO())
    token = out.getvalue().strip()
    assert client.get("/api/network/pairings", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200


def test_lists_are_scoped_filtered_and_paginated(officer_api, network):
    ziyun, shuicheng = network["ziyun"], network["shuicheng"]
    for month in range(1, 6):
        PlacementFactory(pairing=ziyun, year=2023, month=month)
    PlacementFactory(pairing=ziyun, year=2022)
    PlacementFactory(pairing=shuicheng, year=2023)
    body = officer_api.get("/api/economy/placements?page_size=4").json()
    assert body["count"] == 6 and len(body["items"]) == 4
    assert {i["pairing_id"] for i in body["items"]} == {ziyun.pk}
    assert len(officer_api.get("/api/economy/placements?page=2&page_size=4").json()["items"]) == 2
    assert officer_api.get("/api/economy/placements?year=2022").json()["count"] == 1
    assert officer_api.get("/api/economy/placements?region=520425&side=west").json()["count"] == 6
    assert officer_api.get("/api/economy/placements?region=520425&side=east").json()["count"] == 0
    assert officer_api.get(f"/api/economy/placements?programme={network['programme'].pk}").json()["count"] == 6
    other = Placement.objects.get(pairing=shuicheng)
    assert officer_api.get(f"/api/economy/placements/{other.pk}").status_code == 404
    assert officer_api.get(f"/api/economy/placements?pairing={shuicheng.pk}").status_code == 422


def test_pairing_filter_includes_sub_pairings(admin_api, network):
    from shanhai.network.models import Organisation, OrgKind, PairingKind
    from shanhai.regions.lookup import find_region

    ziyun = network["ziyun"]
    east = Organisation.objects.create(name="东涌中学", kind=OrgKind.HIGH_SCHOOL, region=find_region("广州市南沙区"))
    west = Organisation.objects.create(name="民族高中", kind=OrgKind.HIGH_SCHOOL, region=find_region("紫云自治县"))
    school = PairingFactory(programme=ziyun.programme, parent=ziyun, kind=PairingKind.SCHOOL, east_org=east, west_org=west)
    TrainingFactory(pairing=ziyun)
    TrainingFactory(pairing=school)
    assert admin_api.get(f"/api/activities/trainings?pairing={ziyun.pk}").json()["count"] == 2
    assert admin_api.get(f"/api/activities/trainings?pairing={school.pk}").json()["count"] == 1


def test_writes_validate_with_field_errors_and_keep_history(officer_api, officer, network):
    ziyun = network["ziyun"]
    response = officer_api.post("/api/economy/placements", {"pairing_id": ziyun.pk, "year": 2023, "kind": "east",
                                                            "count": 0, "month": 13}, content_type="application/json")
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert {"field": "count", "message": "「人数」至少为1。"} in errors
    assert {"field": "month", "message": "「月份」应在1到12之间。"} in errors
    response = officer_api.post("/api/economy/placements", {"pairing_id": ziyun.pk, "year": "x", "kind": "mars"},
                                content_type="application/json")
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"year", "kind"}
    response = officer_api.post("/api/economy/placements", {"pairing_id": ziyun.pk, "year": 2023, "kind": "east",
                                                            "count": 7}, content_type="application/json")
    assert response.status_code == 201
    pk = response.json()["id"]
    response = officer_api.patch(f"/api/economy/placements/{pk}", {"count": 9}, content_type="application/json")
    assert response.status_code == 200 and response.json()["count"] == 9
    history = list(Placement.objects.get(pk=pk).history.values_list("history_type", "count", "history_user"))
    assert history == [("~", 9, officer.pk), ("+", 7, officer.pk)]
    assert officer_api.delete(f"/api/economy/placements/{pk}").status_code == 204
    assert not Placement.objects.filter(pk=pk).exists()


def test_writes_outside_scope_are_refused(officer_api, network):
    shuicheng = network["shuicheng"]
    response = officer_api.post("/api/economy/placements", {"pairing_id": shuicheng.pk, "year": 2023, "kind": "east"},
                                content_type="application/json")
    assert response.status_code == 403
    assert response.json()["errors"][0]["field"] == "pairing_id"
    mine = PlacementFactory(pairing=network["ziyun"])
    response = officer_api.patch(f"/api/economy/placements/{mine.pk}", {"pairing_id": shuicheng.pk},
                                 content_type="application/json")
    assert response.status_code == 403
    theirs = PlacementFactory(pairing=shuicheng)
    assert officer_api.patch(f"/api/economy/placements/{theirs.pk}", {"count": 2},
                             content_type="application/json").status_code == 404
    assert officer_api.delete(f"/api/economy/placements/{theirs.pk}").status_code == 404
    assert Placement.objects.get(pk=theirs.pk).count == 5


def test_roles_decide_what_a_token_may_do(client, network):
    from shanhai.accounts.models import Scope

    viewer = User.objects.create_user("viewer", password="pw")
    viewer.groups.add(Group.objects.get(name="查看员"))
    Scope.objects.create(user=viewer, pairing=network["ziyun"])
    _, token = ApiToken.issue(viewer)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert client.get("/api/economy/placements", **headers).status_code == 200
    response = client.post("/api/economy/placements", {"pairing_id": network["ziyun"].pk, "year": 2023, "kind": "east"},
                           content_type="application/json", **headers)
    assert response.status_code == 403 and "没有新增" in response.json()["errors"][0]["message"]


def test_reported_values_through_the_api(admin_api, network):
    ziyun = network["ziyun"]
    response = admin_api.post("/api/indicators/reported-values", {
        "indicator_id": __import__("shanhai.indicators.models", fromlist=["Indicator"]).Indicator.objects.get(
            code="train.talent.people").pk,
        "pairing_id": ziyun.pk, "year": 2023, "value": "1526", "source_kind": "form", "source_ref": "2023年考核表",
    }, content_type="application/json")
    assert response.status_code == 201, response.json()
    assert admin_api.get("/api/indicators/reported-values?indicator=train.talent.people").json()["count"] == 1
    assert admin_api.get("/api/indicators/reported-values?indicator=labor.employed").json()["count"] == 0
    response = admin_api.post("/api/indicators/reported-values", {
        "indicator_id": response.json()["indicator_id"], "pairing_id": ziyun.pk, "year": 2023, "value": "1.5",
        "source_kind": "form", "source_ref": "另一张表",
    }, content_type="application/json")
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "value"


def test_openapi_and_offline_docs(client, db):
    schema = client.get("/api/openapi.json").json()
    assert "/api/economy/placements" in schema["paths"]
    params = {p["name"] for p in schema["paths"]["/api/economy/placements"]["get"]["parameters"]}
    assert {"programme", "pairing", "region", "side", "year", "page", "page_size"} <= params
    docs = client.get("/api/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in docs and "cdn" not in docs.lower()
