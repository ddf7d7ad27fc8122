"""What another system relies on: codes beside ids, the model's bounds in the schema, no silent filters."""

import pytest

from shanhai.api.api import api
from tests.factories import FundAllocationFactory

pytestmark = pytest.mark.django_db


def test_records_carry_division_and_indicator_codes(admin_api, network) -> None:
    ziyun = network["ziyun"]
    pairing = admin_api.get(f"/api/network/pairings/{ziyun.pk}").json()
    assert pairing["east_region_code"] == "440115" and pairing["west_region_code"] == "520425"
    answer = admin_api.post("/api/indicators/reported-values", {
        "indicator_id": None, "pairing_id": ziyun.pk, "year": 2023, "value": "12",
        "source_kind": "form", "source_ref": "测试"}, content_type="application/json")
    assert answer.status_code == 422  # an indicator is required
    from shanhai.indicators.models import Indicator

    indicator = Indicator.objects.get(code="funds.fiscal")
    answer = admin_api.post("/api/indicators/reported-values", {
        "indicator_id": indicator.pk, "pairing_id": ziyun.pk, "year": 2023, "value": "12",
        "source_kind": "form", "source_ref": "测试"}, content_type="application/json")
    assert answer.status_code == 201, answer.content
    assert answer.json()["indicator_code"] == "funds.fiscal"


def test_the_schema_states_the_models_bounds(admin_api, network) -> None:
    schema = api.get_openapi_schema()["components"]["schemas"]
    assert schema["FundAllocationIn"]["properties"]["allocated"]["minimum"] == 0
    answer = admin_api.post("/api/projects/funds", {"pairing_id": network["ziyun"].pk, "year": 2023,
                                                    "allocated": -5, "disbursed": 0}, content_type="application/json")
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"].endswith("allocated")


def test_an_unknown_filter_is_refused_not_ignored(admin_api, network) -> None:
    FundAllocationFactory(pairing=network["ziyun"], year=2023)
    answer = admin_api.get("/api/projects/funds?yaer=2022")
    assert answer.status_code == 422
    message = answer.json()["errors"][0]
    assert message["field"] == "yaer" and "year" in message["message"]
    assert admin_api.get("/api/projects/funds?year=2023").json()["count"] == 1
