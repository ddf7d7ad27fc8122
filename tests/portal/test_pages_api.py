"""Portal pages, downloads and the open-data API, as an anonymous visitor and as a token user."""

from __future__ import annotations

import csv
import io
import json

from django.test import Client

from shanhai.api.models import ApiToken
from shanhai.workflow.models import State, Submission


def _get(url: str, **headers: str):
    return Client().get(url, **headers)


def test_pages_show_approved_aggregates_by_name(scene) -> None:
    pid = scene.programme.pk
    home = _get("/public/")
    assert home.status_code == 200 and "东西部协作（公开测试）" in home.content.decode()
    assert "内部协作" not in home.content.decode()
    page = _get(f"/public/{pid}/pairing/{scene.county.pk}/").content.decode()
    for text in ("南沙区东涌中学", "紫云民族高级中学", "南沙医院", "紫云县城职业学校实训楼", "5,000,000", "2023", "&lt;3"):
        assert text in page, text
    assert "2024年" not in page  # the open year shows nothing
    assert _get(f"/public/{scene.hidden.pk}/").status_code == 404
    assert _get(f"/public/{pid}/pairing/{scene.secret.pk}/").status_code == 404
    province = _get(f"/public/{pid}/province/520000/").content.decode()
    assert f"/public/{pid}/pairing/{scene.county.pk}/" in province
    english = _get(f"/public/en/{pid}/pairing/{scene.county.pk}/")
    assert english["Content-Language"] == "en" and "fiscal assistance funds" in english.content.decode()
    assert f'href="/public/{pid}/pairing/{scene.county.pk}/"' in english.content.decode()  # the switch back
    lines = json.loads(_get(f"/public/{pid}/map.json").content)["lines"]
    assert {(ln["east"]["name"], ln["west"]["name"]) for ln in lines} >= {("广东省", "贵州省")}


def test_pages_are_conditional_and_cacheable(scene) -> None:
    url = f"/public/{scene.programme.pk}/"
    first = _get(url)
    assert "public" in first["Cache-Control"] and "max-age=300" in first["Cache-Control"]
    assert first["ETag"] and first["Last-Modified"]
    assert _get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    # an unlock (a step of the cycle) changes the version: the old tag no longer matches
    sub = Submission.objects.filter(pairing=scene.county, period__year=2023).first()
    sub.state = State.APPROVED
    sub.save()
    assert _get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


def test_downloads_csv_and_json_hold_the_same_rows(scene) -> None:
    base = f"/public/{scene.programme.pk}/2023"
    rows = list(csv.DictReader(io.StringIO(_get(f"{base}/indicators.csv").content.decode("utf-8-sig"))))
    data = json.loads(_get(f"{base}/indicators.json").content)
    assert len(rows) == len(data["rows"]) > 0
    cadres = [r for r in rows if r["indicator"] == "cadre.e2w" and r["scope"] == "pairing"
              and r["scope_code"] == str(scene.county.pk)]
    assert cadres and cadres[0]["withheld"] == "<3" and cadres[0]["value"] == ""
    fiscal = [r for r in data["rows"] if r["indicator"] == "funds.fiscal" and r["scope"] == "country"]
    assert fiscal[0]["value"] == 5_000_000 and fiscal[0]["source_kind"] == "records"
    projects = json.loads(_get(f"{base}/projects.json").content)["rows"]
    assert [(p["name"], p["allocated"], p["disbursed"]) for p in projects] == [("紫云县城职业学校实训楼", 5_000_000, 4_000_000)]
    assert _get(f"/public/{scene.programme.pk}/2024/funds.csv").status_code == 404  # not approved
    assert "scope_code" in _get("/public/data/").content.decode()


def test_open_api_anonymous_sees_public_only(scene) -> None:
    pid = scene.programme.pk
    r = _get(f"/api/open/values?year=2023&programme={pid}&pairing={scene.county.pk}&code=cadre.e2w")
    assert r.status_code == 200 and r.json()[0]["withheld"] == "<3" and r.json()[0]["actual"] is None
    assert _get(f"/api/open/values?year=2024&programme={pid}").json() == []
    assert _get(f"/api/open/values?year=2023&programme={scene.hidden.pk}").status_code == 404
    assert _get(f"/api/open/values?year=2023&programme={pid}&pairing={scene.secret.pk}").status_code == 404
    assert [p["name"] for p in _get("/api/open/programmes").json()] == ["东西部协作（公开测试）"]
    assert any(r["code"] == "520000" for r in _get("/api/open/regions").json())
    assert "/api/open/values" in _get("/api/openapi.json").content.decode()


def test_open_api_with_a_token_is_scoped_and_not_limited_to_public(scene) -> None:
    _row, token = ApiToken.issue(scene.users["ziyun"])
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    r = _get(f"/api/open/values?year=2024&pairing={scene.county.pk}&code=cadre.e2w", **auth)
    assert r.status_code == 200 and r.json()[0]["actual"] == "1"  # the open year, unwithheld for its officer
    outside = _get(f"/api/open/values?year=2023&pairing={scene.secret.pk}", **auth)
    assert outside.status_code in (404, 422)


def test_open_api_rate_limits_anonymous_callers(scene) -> None:
    from shanhai.api.open_data import ANON_RATE

    limit = int(ANON_RATE.split("/")[0])
    codes = [_get("/api/open/programmes").status_code for _ in range(limit + 1)]
    assert codes[:limit] == [200] * limit and codes[-1] == 429
