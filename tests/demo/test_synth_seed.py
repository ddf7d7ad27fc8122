"""The synthetic generator: the same seed gives the same data; another seed gives other data."""

import pytest
from django.db import models, transaction

from shanhai.activities.models import Activity, Training
from shanhai.demo.synth import synth
from shanhai.economy.models import IndustrialPark, Investment, Placement, Sale, Workshop
from shanhai.network.models import Organisation, Pairing
from shanhai.people.models import Dispatch, Person
from shanhai.projects.models import Donation, FundAllocation, Project

MODELS = [Organisation, Pairing, Person, Dispatch, Training, Activity, Project, FundAllocation, Donation,
          IndustrialPark, Investment, Workshop, Sale, Placement]
SKIP = {"id", "created_at", "updated_at", "path"}


def fingerprint() -> dict[str, list[tuple]]:
    """Every generated row as its field values, foreign keys replaced by the related row's values (no ids)."""
    memo: dict[tuple[type, int], tuple] = {}

    def natural(model: type[models.Model], pk: int | None) -> tuple | None:
        if pk is None:
            return None
        if (model, pk) not in memo:
            memo[(model, pk)] = ()  # cut cycles
            memo[(model, pk)] = row(model._default_manager.filter(pk=pk).values().get(), model)
        return memo[(model, pk)]

    def row(values: dict, model: type[models.Model]) -> tuple:
        out = []
        for f in model._meta.concrete_fields:
            if f.name in SKIP:
                continue
            value = values[f.attname]
            if f.is_relation:
                value = ("region", value) if f.related_model.__name__ == "Region" else natural(f.related_model, value)
            out.append((f.name, repr(value)))
        return tuple(out)

    return {m.__name__: sorted(row(v, m) for v in m._default_manager.values()) for m in MODELS}


def generate(seed: int) -> dict[str, list[tuple]]:
    with transaction.atomic():
        counts = synth("mini", seed)
        data = fingerprint()
        transaction.set_rollback(True)
    assert counts["sales"] > 0 and counts["dispatches"] > 0
    return data


@pytest.mark.django_db
def test_same_seed_same_data_other_seed_other_data():
    first, second, other = generate(7), generate(7), generate(8)
    assert sum(len(v) for v in first.values()) > 300
    assert first == second
    assert first["Sale"] != other["Sale"] and first["Person"] != other["Person"]
