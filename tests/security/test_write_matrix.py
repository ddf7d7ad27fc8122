"""The write-permission matrix (issue 17): every write path × every role × (in scope → in scope,
in scope → out of scope, out of scope), with the expected answer, and the database unchanged
whenever a write is refused.

The paths are read from the registries, not listed by hand: the API's operations from its OpenAPI
document, the admin's from `admin.site`, imports from `transfer.specs.TYPES`. A new model, endpoint
or import type is in the matrix the day it is registered; one the world cannot build yet fails with
a message saying so (tests/security/conftest.py `make`).
"""

import csv
import tempfile
from pathlib import Path

import pytest
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory

from shanhai.accounts.writes import is_reference
from shanhai.api.api import api
from shanhai.api.models import ApiToken
from shanhai.api.resources import AREAS
from shanhai.transfer.engine import import_file
from shanhai.transfer.selectors import export_columns, export_rows
from shanhai.transfer.specs import TYPES
from tests.security.conftest import ROLES, fingerprint, make, move

pytestmark = pytest.mark.django_db

WRITABLE = [res for _, (_, resources) in AREAS.items() for res in resources if not res.read_only]
REFUSED_ROLES = {"viewer", "none"}


def _allowed(role: str, model: type) -> bool:
    """Whether `role` may change records of `model` inside its own scope."""
    if role in REFUSED_ROLES:
        return False
    if role == "national":
        return True
    if is_reference(model):  # programmes: the national office only
        return False
    return not (role == "institution" and model.__name__ == "Organisation")  # units: region scopes only


def _api(client, user):
    _, token = ApiToken.issue(user, "matrix")
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client


def _harmless(obj) -> dict:
    """A change that keeps the record where it is: a free-text field, else a count."""
    for f in type(obj)._meta.concrete_fields:
        if f.editable and not f.choices and f.get_internal_type() in ("CharField", "TextField") \
                and f.name != "path" and not f.name.endswith("_place") and "id_number" not in f.name:
            return {f.name: (getattr(obj, f.name) or "")[:20] + f"（已核对{obj.pk}）"}
    for f in ("count", "participants", "value", "jobs", "allocated", "amount", "status"):
        if hasattr(obj, f):
            value = getattr(obj, f)
            return {f: value if isinstance(value, int | str) else str(value)}
    raise AssertionError(f"{type(obj).__name__}: 没有可改的字段")


def test_every_api_write_operation_is_in_the_matrix() -> None:
    """The OpenAPI document's write operations are exactly those of the resources the matrix walks."""
    schema = api.get_openapi_schema()
    operations = {op["operationId"] for methods in schema["paths"].values()
                  for method, op in methods.items() if method in ("post", "patch", "put", "delete")}
    walked = {f"{res.key}_{verb}" for res in WRITABLE for verb in ("create", "update", "delete")}
    assert operations == walked


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("res", WRITABLE, ids=lambda r: r.key)
def test_api_update_matrix(client, world, role, res) -> None:
    user = world.users[role]
    api_client = _api(client, user)
    mine, theirs = make(res.model, world.inside(role)), make(res.model, world.outside(role))
    url = f"/api/{_area(res)}/{res.path}"
    allowed = _allowed(role, res.model)

    # in scope → in scope
    before = fingerprint()
    answer = api_client.patch(f"{url}/{mine.pk}", _harmless(mine), content_type="application/json")
    if allowed:
        assert answer.status_code == 200, answer.content.decode()
    else:  # 403 where the record is seen, 404 where it is not even seen (a unit near a school pairing)
        assert answer.status_code in (403, 404), answer.content.decode()
        assert fingerprint() == before

    # in scope → out of scope
    fields = move(mine, world.away(role))
    before = fingerprint()
    answer = api_client.patch(f"{url}/{mine.pk}", fields, content_type="application/json")
    if role == "national":
        assert answer.status_code in (200, 422), answer.content.decode()  # 422: the model's own rules
    else:
        assert answer.status_code in (403, 404, 422), answer.content.decode()
        assert "范围" in answer.content.decode() or "权限" in answer.content.decode()
        assert fingerprint() == before

    # out of scope: neither changed nor deleted
    before = fingerprint()
    changed = api_client.patch(f"{url}/{theirs.pk}", _harmless(theirs), content_type="application/json")
    deleted = api_client.delete(f"{url}/{theirs.pk}")
    if role == "national":
        assert changed.status_code == 200 and deleted.status_code in (204, 409)
    else:
        assert changed.status_code in (403, 404) and deleted.status_code in (403, 404)
        assert fingerprint() == before

    # deleting one's own
    before = fingerprint()
    answer = api_client.delete(f"{url}/{mine.pk}")
    if allowed:
        assert answer.status_code in (204, 409)
    else:
        assert answer.status_code in (403, 404)
        assert fingerprint() == before


def _area(res) -> str:
    return next(area for area, (_, resources) in AREAS.items() if res in resources)


ADMINS = [(model, model_admin) for model, model_admin in admin.site._registry.items()
          if model._meta.app_label in ("network", "people", "activities", "projects", "economy", "indicators")]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("model", "model_admin"), ADMINS, ids=lambda x: getattr(x, "__name__", ""))
def test_admin_write_matrix(world, role, model, model_admin) -> None:
    """Every registered admin's save and delete go through the guard (forms, actions, reverts call these)."""
    user = world.users[role]
    request = RequestFactory().post("/")
    request.user = user
    if is_reference(model):
        national = role == "national"
        assert model_admin.has_change_permission(request) is (national and model_admin.has_change_permission(
            _request(world.users["national"])))
        assert not model_admin.has_add_permission(request) or national
        assert not model_admin.has_delete_permission(request) or national
        return
    mine, theirs = make(model, world.inside(role)), make(model, world.outside(role))
    allowed = _allowed(role, model)
    for obj, fields, expect in ((mine, {}, allowed), (mine, move(mine, world.away(role)), role == "national"),
                                (theirs, {}, role == "national")):
        obj = model._default_manager.get(pk=obj.pk)
        for name, value in fields.items():
            setattr(obj, name, value)
        obj = _fresh_relations(obj)
        before = fingerprint()
        if expect:
            try:
                model_admin.save_model(request, obj, form=None, change=True)
            except PermissionDenied as e:  # pragma: no cover - shown when it fails
                pytest.fail(f"{role} refused on {model.__name__}: {e}")
            except Exception as e:  # the model's own rules may refuse a national move; not a scope refusal
                assert "ValidationError" in type(e).__name__ or "Integrity" in type(e).__name__
        else:
            with pytest.raises(PermissionDenied):
                model_admin.save_model(request, obj, form=None, change=True)
            assert fingerprint() == before
    before = fingerprint()
    if role == "national":
        return
    with pytest.raises(PermissionDenied):
        model_admin.delete_model(request, model._default_manager.get(pk=theirs.pk))
    with pytest.raises(PermissionDenied):
        model_admin.delete_queryset(request, model._default_manager.filter(pk=theirs.pk))
    assert fingerprint() == before


def _fresh_relations(obj):
    """Drop cached related objects so that ids set by `move` are what the guard reads."""
    obj._state.fields_cache = {}
    return obj


def _request(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def _sheet(spec, obj) -> Path:
    """The record exported in its import template's columns, as a CSV the user could send back."""
    columns = export_columns(spec)
    rows = list(export_rows(spec, type(obj)._default_manager.filter(pk=obj.pk)))
    path = Path(tempfile.mkstemp(suffix=".csv")[1])
    with path.open("w", newline="", encoding="utf-8-sig") as f:
        writer = csv.writer(f)
        writer.writerow([c.header for c in columns])
        writer.writerows([["" if row[c.key] is None else row[c.key] for c in columns] for row in rows])
    return path


IMPORT_TYPES = sorted(TYPES)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("type_key", IMPORT_TYPES)
def test_import_matrix(world, role, type_key) -> None:
    spec = TYPES[type_key]
    user = world.users[role]
    mine, theirs = make(spec.model, world.inside(role)), make(spec.model, world.outside(role))
    allowed = _allowed(role, spec.model)

    # in scope → in scope: the user's own row sent back
    before = fingerprint()
    result = import_file(_sheet(spec, mine), type_key=type_key, user=user, filename="mine.csv")
    assert result.committed is allowed, (result.file_errors, [e.reason for e in result.errors])
    if not allowed:
        assert fingerprint() == before

    # out of scope: another county's row, as it is (an update) and after it is gone (a create)
    for label in ("update", "create"):
        path = _sheet(spec, theirs)
        if label == "create":
            type(theirs)._default_manager.filter(pk=theirs.pk).delete()
        before = fingerprint()
        result = import_file(path, type_key=type_key, user=user, filename="theirs.csv")
        if role == "national":
            assert result.committed, (label, result.file_errors, [e.reason for e in result.errors])
        else:
            assert not result.committed, label
            assert fingerprint() == before
