"""Test setup shared by every test.

The region table (≈3,200 rows) is loaded once per test database, so every test can resolve real
counties. `DATABASE_URL` picks the database (SQLite by default; .ci/run sets PostgreSQL).
"""

import pytest


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):  # noqa: F811 - extends pytest-django's fixture
    from shanhai.regions.services import regions_load

    with django_db_blocker.unblock():
        regions_load()


@pytest.fixture
def region():
    """Find a region by name through the production lookup."""
    from shanhai.regions.lookup import find_region

    return find_region
