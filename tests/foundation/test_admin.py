"""The admin: Chinese by default, English on request, every record type searchable and filterable."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.urls import reverse

pytestmark = pytest.mark.django_db

RECORD_MODELS = [
    "network.programme", "network.organisation", "network.pairing", "network.agreement",
    "people.person", "people.dispatch", "people.team", "people.mentorship",
    "activities.activity", "activities.training",
    "projects.project", "projects.fundallocation", "projects.donation",
    "economy.industrialpark", "economy.investment", "economy.sale", "economy.workshop", "economy.placement",
    "regions.region", "accounts.scope",
]


@pytest.fixture
def demo_data(db):
    """The demo network with a small seeded set of records (rolled back after each test)."""
    from shanhai.demo.fixture import demo_network_load
    from shanhai.demo.synth import Generator, Scale
    from shanhai.network.models import Pairing

    demo_network_load()
    gen = Generator("demo", seed=7)
    gen.scale = Scale(years=(2022, 2023), sub_pairs={"school": 1}, dispatches=3, trainings=2, activities=2,
                      projects=1, donations=1, sales=2, placements=2)
    county_pairs = list(Pairing.objects.filter(kind="county").select_related("east_region", "west_region"))
    gen.sub_network(county_pairs)
    gen.records(county_pairs)
    User.objects.create_superuser("boss", password="pw-boss-123")


def test_every_record_type_is_in_the_admin() -> None:
    registered = {f"{m._meta.app_label}.{m._meta.model_name}" for m in admin.site._registry}
    missing = [m for m in RECORD_MODELS if m not in registered and m != "accounts.scope"]
    assert not missing


def test_admin_is_chinese_by_default_and_english_on_request(client, demo_data) -> None:
    client.login(username="boss", password="pw-boss-123")
    page = client.get(reverse("admin:index")).content.decode()
    assert "山海" in page and "结对关系" in page and "选派" in page
    client.post(reverse("set_language"), {"language": "en", "next": "/admin/"})
    page = client.get(reverse("admin:index")).content.decode()
    assert "Pairings" in page and "Dispatches" in page


@pytest.mark.parametrize("model", [m for m in RECORD_MODELS if m != "accounts.scope"])
def test_each_list_opens_with_search_and_filters(client, demo_data, model: str) -> None:
    client.login(username="boss", password="pw-boss-123")
    app, name = model.split(".")
    url = reverse(f"admin:{app}_{name}_changelist")
    response = client.get(url, {"q": "紫云"})
    assert response.status_code == 200


def test_filters_by_programme_region_side_and_year(client, demo_data) -> None:
    from shanhai.network.models import Programme
    from shanhai.people.models import Dispatch

    client.login(username="boss", password="pw-boss-123")
    url = reverse("admin:people_dispatch_changelist")
    ziyun_2023 = Dispatch.objects.filter(pairing__west_region__code="520425", planned_start__year=2023).count()
    response = client.get(url, {"region": "520425", "side": "west", "year": "2023"})
    assert response.status_code == 200
    assert response.context["cl"].result_count == ziyun_2023
    assert 0 < ziyun_2023 < Dispatch.objects.count()
    # The same county on the east side: no pairing has 紫云 in the east.
    response = client.get(url, {"region": "520425", "side": "east"})
    assert response.context["cl"].result_count == 0
    # A province on the east side finds 南沙's dispatches (and their sub-pairings').
    response = client.get(url, {"region": "440000", "side": "east"})
    assert response.context["cl"].result_count == Dispatch.objects.filter(pairing__east_region__code="440115").count()
    # A programme.
    programme = Programme.objects.get(name__startswith="南水北调")
    response = client.get(url, {"programme": programme.pk})
    assert response.context["cl"].result_count == Dispatch.objects.filter(pairing__programme=programme).count() > 0


def test_region_autocomplete_finds_by_name(client, demo_data) -> None:
    client.login(username="boss", password="pw-boss-123")
    response = client.get(reverse("admin:autocomplete"), {
        "term": "紫云", "app_label": "network", "model_name": "pairing", "field_name": "west_region",
    })
    names = [r["text"] for r in response.json()["results"]]
    assert "紫云苗族布依族自治县" in names
