"""The assessment's read endpoints: schemes for every token, results and one unit scoped by the token's user."""

from shanhai.api.models import ApiToken
from shanhai.assessment import services
from shanhai.assessment.models import Assessment


def _get(client, user, url):
    token = ApiToken.issue(user, "test")[1]
    return client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}")


def test_schemes_results_and_one_unit_scoped(client, assessed):
    scheme = services.scheme_for(assessed.year.programme, 2023)
    services.scheme_open(assessed.year.users["national"], scheme)
    users = assessed.year.users
    schemes = _get(client, users["ziyun"], "/api/assessment/schemes").json()
    mine = next(s for s in schemes if s["id"] == scheme.pk)
    assert {b["grade"] for b in mine["grade_bands"]} == {"好", "较好", "一般", "差"}
    assert any(i["code"] == "labor.employed" and i["bands"] for i in mine["items"])
    national = _get(client, users["national"], f"/api/assessment/schemes/{scheme.pk}/results").json()
    ziyun = _get(client, users["ziyun"], f"/api/assessment/schemes/{scheme.pk}/results").json()
    assert national["total"] == ziyun["total"] == 2
    assert len(national["results"]) == 2 and [r["unit"] for r in ziyun["results"]] == ["紫云苗族布依族自治县"]
    a = Assessment.objects.get(scheme=scheme, pairing=assessed.year.county)
    one = _get(client, users["ziyun"], f"/api/assessment/results/{a.pk}").json()
    jobs = next(s for s in one["scores"] if s["item_code"] == "labor.employed")
    assert jobs["trace"]["rate_pct"] == "80%" and "尚未审定锁定" in jobs["block"]
    other = Assessment.objects.get(scheme=scheme, pairing=assessed.year.other)
    refused = _get(client, users["ziyun"], f"/api/assessment/results/{other.pk}")
    assert refused.status_code == 404 and refused.json()["errors"][0]["message"]
    assert _get(client, users["ziyun"], "/api/assessment/schemes/999999").status_code == 404
