"""Schemathesis against /api/openapi.json with a real token: no 5xx, and every response as documented.

Runs through the WSGI app in-process (no server), a few examples per operation to stay fast.
`positive_data_acceptance` is left out on purpose: a request the schema allows may still break a
model rule (a date before its pairing starts) and is then, correctly, a 422 with the field named.
"""

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance
from schemathesis.specs.openapi.checks import ignored_auth

from shanhai.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)
# The coverage phase (every boundary value of every parameter) takes minutes: run it with
# SHANHAI_API_FUZZ_FULL=1; the default run fuzzes a few examples per operation in seconds.
schema.config.phases.coverage.enabled = bool(os.environ.get("SHANHAI_API_FUZZ_FULL"))


@pytest.fixture
def token(db):
    from django.contrib.auth.models import User
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    from shanhai.api.models import ApiToken
    from tests.factories import PlacementFactory, TrainingFactory

    pairing = PlacementFactory().pairing
    TrainingFactory(pairing=pairing)
    user = User.objects.create_superuser("schemathesis", password="pw")
    # As Django's test client does: the WSGI handler must not close the test's connection (PostgreSQL).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield ApiToken.issue(user, "schemathesis")[1]
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=5, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much])
def test_api_conforms_to_its_schema(case, token):
    excluded = [positive_data_acceptance]
    if case.path.startswith("/api/open/"):  # open data answers without a token on purpose (public-only)
        excluded.append(ignored_auth)
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, excluded_checks=excluded)
