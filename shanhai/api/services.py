"""Writes through the API: the same model validation as the admin and imports, scoped to the user.

A write is refused when the user lacks the role permission (403), when the record to change is
not visible to them (404), when they may see but not write it, or it would end outside their
writing scope (403, `accounts.writes`), or when the model's validation fails (422, every field
named with its Chinese message). History keeps
who changed what, with "接口" as the reason.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction

from shanhai.accounts.scoping import scope_filter, visible
from shanhai.accounts.writes import WriteGuard, WriteRefused, guarded_delete, guarded_save, stored_state
from shanhai.network.models import Pairing
from shanhai.people.models import Person
from shanhai.people.services import person_set_identity
from shanhai.transfer.checks import ModelRules
from shanhai.transfer.engine import refresh_rollups, year_of
from shanhai.transfer.specs import TypeSpec

REASON = "接口"


class ApiError(Exception):
    """An API refusal: HTTP status and [{"field", "message"}]."""

    def __init__(self, status: int, errors: list[dict[str, str | None]]) -> None:
        super().__init__(errors)
        self.status = status
        self.errors = errors


def _one(status: int, field: str | None, message: str) -> ApiError:
    return ApiError(status, [{"field": field, "message": message}])


def require_perm(user: User, model: type[models.Model], action: str) -> None:
    _guarded(lambda: WriteGuard(user).require(model, action))


def _api_field(model: type[models.Model], name: str) -> str:
    if name == NON_FIELD_ERRORS:
        return ""
    try:
        f = model._meta.get_field(name)
    except Exception:
        return name
    return f.attname if isinstance(f, models.ForeignKey) else name


def validation_error(model: type[models.Model], e: ValidationError) -> ApiError:
    """full_clean's errors, each named by field; a constraint's error names the first field it reads."""
    constraint_fields = ModelRules(model).messages_to_fields()
    errors: list[dict[str, str | None]] = []
    for name, messages in e.message_dict.items():
        for message in messages:
            if name == NON_FIELD_ERRORS and constraint_fields.get(message):
                name_for = _api_field(model, constraint_fields[message][0])
            else:
                name_for = _api_field(model, name)
            errors.append({"field": name_for or None, "message": message})
    return ApiError(422, errors)


def _resolve_foreign_keys(user: User, model: type[models.Model], data: dict[str, Any]) -> dict[str, Any]:
    """`<fk>_id` values → objects the user may see; a pairing outside scope is a 403."""
    values: dict[str, Any] = {}
    errors: list[dict[str, str | None]] = []
    forbidden: list[dict[str, str | None]] = []
    for key, value in data.items():
        f = next((f for f in model._meta.concrete_fields if isinstance(f, models.ForeignKey) and f.attname == key), None)
        if f is None:
            values[key] = value
            continue
        if value is None:
            values[f.name] = None
            continue
        related = f.related_model
        obj = related._default_manager.filter(pk=value).first()
        if obj is None:
            errors.append({"field": key, "message": f"「{f.verbose_name}」编号{value}不存在。"})
            continue
        if scope_filter(user, related) is not None and not visible(user, related._default_manager.filter(pk=value)).exists():
            target = forbidden if related is Pairing else errors
            target.append({"field": key, "message": f"「{f.verbose_name}」编号{value}不在您的数据范围内。"})
            continue
        values[f.name] = obj
    if forbidden:
        raise ApiError(403, forbidden)
    if errors:
        raise ApiError(422, errors)
    return values


def _guarded(call: Any) -> Any:
    try:
        return call()
    except WriteRefused as e:
        raise _one(403, e.field, e.message) from e


@transaction.atomic
def record_save(*, user: User, spec_model: type[models.Model], obj: models.Model | None, data: dict[str, Any],
                spec: TypeSpec | None = None) -> models.Model:
    """Create (obj None) or update `obj` with `data` (API field names); returns the saved record.

    The write goes through `accounts.writes.guarded_save`: role, the record as it was and as it will
    be in the user's scope, the model's validation, history and sub-pairings re-checked.
    """
    model = spec_model
    creating = obj is None
    guard = WriteGuard(user)
    _guarded(lambda: guard.require(model, "add" if creating else "change"))
    before = None if creating else stored_state(obj)  # type: ignore[arg-type]
    if before is not None:
        _guarded(lambda: guard.ensure(before, action="change", before=before))
    identity = {k: data.pop(k) for k in ("id_number", "phone") if k in data}
    values = _resolve_foreign_keys(user, model, data)
    if creating:
        obj = model()
    assert obj is not None
    refresh_before = (getattr(obj, "pairing_id", None), year_of(spec, obj) if spec else None)
    for name, value in values.items():
        setattr(obj, name, value)
    if isinstance(obj, Person) and identity:
        try:
            person_set_identity(obj, id_number=identity.get("id_number") or None, phone=identity.get("phone") or None)
        except Exception as e:  # ShanhaiError with the field named
            raise _one(422, getattr(e, "field", None), getattr(e, "message", str(e))) from e
    if isinstance(obj, Person) and not user.is_superuser and obj.organisation_id is None and not guard.national:
        raise _one(422, "organisation_id", "请填写「工作单位」：人员按工作单位归入您的数据范围。")
    try:  # scope of the new state (403) before the model's rules (422), then the save
        _guarded(lambda: guarded_save(user, obj, reason=REASON, before=before))
    except ValidationError as e:
        raise validation_error(model, e) from e
    _refresh(spec, obj, refresh_before)
    return obj


@transaction.atomic
def record_delete(*, user: User, obj: models.Model, spec: TypeSpec | None = None) -> None:
    before = (getattr(obj, "pairing_id", None), year_of(spec, obj) if spec else None)
    try:
        _guarded(lambda: guarded_delete(user, obj, reason=REASON))
    except models.ProtectedError as e:
        raise _one(409, None, "该记录仍被其他记录引用，不能删除。") from e
    _refresh(spec, obj, before)


def _refresh(spec: TypeSpec | None, obj: models.Model, before: tuple[Any, Any]) -> None:
    pairing_ids = {p for p in (before[0], getattr(obj, "pairing_id", None)) if p}
    years = {y for y in (before[1], year_of(spec, obj) if spec else None) if y}
    if pairing_ids:
        refresh_rollups(pairing_ids, years)
