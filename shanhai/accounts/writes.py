"""The one door for writes: who may write which record, checked on the record as it was and as it will be.

Every write path — admin forms and actions, the API, imports, the report reader, the indicator
services — asks a `WriteGuard` before it writes. A write is allowed when

- the user holds the role permission for the action on the model (`add`/`change`/`delete`);
- reference data (models that declare no scope: programmes, the indicator catalogue, regions) is
  written by the national office only (`is_national`);
- the record *as it was* (update, delete) and *as it will be* (create, update) both lie in the
  user's writing scope:
    * a region scope covers pairings with either side in the subtree, the records of those
      pairings, and records located in the subtree (organisations, people by their employer);
    * a pairing scope covers the records of that pairing and its sub-pairings, and the
      sub-pairings themselves — not the scope's own pairing row, which its parent's users own;
    * being able to *see* a record through another (an organisation through a pairing, a person
      through a dispatch) gives no right to change it.

`None` as the user is the system itself (management commands, the demo loader): always allowed.
Reading stays with `accounts.scoping.visible`; this module only answers "may this be written".
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models

from shanhai.accounts.models import Scope
from shanhai.core.errors import ShanhaiError

AnyUser = AbstractBaseUser | AnonymousUser | None
NATIONAL_PERM = "accounts.national_office"
VERBS = {"view": "查看", "add": "新增", "change": "修改", "delete": "删除"}


class WriteRefused(ShanhaiError):
    """A write the user may not make; `message` says why in Chinese, without naming what they cannot see."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message, field=field, code="forbidden")


def is_national(user: AnyUser) -> bool:
    """The national office: superusers and holders of `accounts.national_office` (the 全国管理员 role)."""
    if user is None:
        return True
    if not user.is_authenticated or not user.is_active:
        return False
    return bool(user.is_superuser or user.has_perm(NATIONAL_PERM))


def is_reference(model: type[models.Model]) -> bool:
    """Models that declare no scope are shared reference data (programmes, catalogue, regions)."""
    return getattr(model, "scope_pairing_field", None) is None and not getattr(model, "scope_region_fields", ())


def _label(model: type[models.Model]) -> str:
    return str(model._meta.verbose_name)


def _follow_id(obj: models.Model | None, chain: str) -> int | None:
    """The id at the end of a `a__b__c` chain of foreign keys, e.g. document__pairing → pairing_id."""
    *hops, last = chain.split("__")
    for hop in hops:
        if obj is None:
            return None
        if getattr(obj, f"{hop}_id", None) is None:
            return None
        obj = getattr(obj, hop)
    return None if obj is None else getattr(obj, f"{last}_id", None)


class WriteGuard:
    """Write checks for one user; caches the scopes and the paths it looks up (one guard per request or import)."""

    def __init__(self, user: AnyUser) -> None:
        self.user = user
        self.national = is_national(user)
        self.region_paths: tuple[str, ...] = ()
        self.pairing_paths: tuple[str, ...] = ()
        if not self.national and user is not None and user.is_authenticated:
            scopes = list(Scope.objects.filter(user=user).select_related("region", "pairing"))
            self.region_paths = tuple(s.region.path for s in scopes if s.region is not None)
            self.pairing_paths = tuple(s.pairing.path for s in scopes if s.pairing is not None)
        self._region_path: dict[int, str] = {}
        self._pairing_open: dict[int, bool] = {}
        self._pairings: dict[int, tuple[str, int | None, int | None]] = {}
        self._sides: tuple[str, ...] | None = None
        self._used_by_open: dict[tuple[str, int], bool] = {}
        self._locks: Any = None

    # ---- roles -------------------------------------------------------------------------------

    def role_error(self, model: type[models.Model], action: str) -> str | None:
        if self.user is None:
            return None
        label = _label(model)
        if is_reference(model) and action != "view" and not self.national:
            return f"「{label}」是全国统一的基础数据，只有全国管理员可以{VERBS[action]}。"
        meta = model._meta
        if not self.user.is_authenticated or not self.user.has_perm(f"{meta.app_label}.{action}_{meta.model_name}"):
            return f"您没有{VERBS[action]}“{label}”的权限。"
        return None

    def require(self, model: type[models.Model], action: str) -> None:
        error = self.role_error(model, action)
        if error:
            raise WriteRefused(error)

    # ---- scope of one state of a record ------------------------------------------------------

    def _in_regions(self, region_id: int | None) -> bool:
        if region_id is None or not self.region_paths:
            return False
        path = self._region_path.get(region_id)
        if path is None:
            from shanhai.regions.models import Region

            path = Region.objects.filter(pk=region_id).values_list("path", flat=True).first() or "\0"
            self._region_path[region_id] = path
        return path.startswith(self.region_paths)

    def pairing_open(self, pairing_id: int | None) -> bool:
        """Whether the user may write the records of this (saved) pairing."""
        if self.national:
            return True
        if pairing_id is None:
            return False
        if pairing_id not in self._pairing_open:
            path, east, west = self._pairing_row(pairing_id)
            self._pairing_open[pairing_id] = (
                self._in_regions(east) or self._in_regions(west)
                or (bool(self.pairing_paths) and path.startswith(self.pairing_paths))
            )
        return self._pairing_open[pairing_id]

    def _pairing_row(self, pairing_id: int) -> tuple[str, int | None, int | None]:
        """(path, east region id, west region id) of a stored pairing, read once per guard."""
        if pairing_id not in self._pairings:
            from shanhai.network.models import Pairing

            row = Pairing.objects.filter(pk=pairing_id).values_list("path", "east_region_id", "west_region_id").first()
            self._pairings[pairing_id] = row or ("\0", None, None)
        return self._pairings[pairing_id]

    def know_pairings(self, rows: Any) -> None:
        """Seed the pairing cache from pairings a page has already read, as rows of (pk, path,
        east_region_id, west_region_id, east region path, west region path)."""
        for pk, path, east_id, west_id, east_path, west_path in rows:
            self._pairings.setdefault(pk, (path, east_id, west_id))
            self._region_path.setdefault(east_id, east_path)
            self._region_path.setdefault(west_id, west_path)

    def region_open(self, region: Any) -> bool:
        """Whether things located in `region` (a Region) are in the user's region scopes."""
        return self.national or (bool(self.region_paths) and region.path.startswith(self.region_paths))

    def _side_paths(self) -> tuple[str, ...]:
        """The region paths of both sides of every pairing the user writes (where their people come from)."""
        if self._sides is None:
            from shanhai.accounts.scoping import visible
            from shanhai.network.models import Pairing

            rows = visible(self.user, Pairing.objects.all()).values_list("east_region__path", "west_region__path")
            self._sides = tuple({path for row in rows.distinct()[:20_000] for path in row})
        return self._sides

    def _serves_open_pairings(self, obj: models.Model, org_field: str) -> bool:
        """A record (a person) located by `org_field` on a side of the user's pairings, and, once stored,
        used only by those pairings (a teacher of 南沙 sent to 紫云, not a 中山 cadre sent to 水城)."""
        if not self.user or not (self.region_paths or self.pairing_paths):
            return False
        org = getattr(obj, org_field) if getattr(obj, f"{org_field}_id", None) is not None else None
        if org is not None and not org.region.path.startswith(self._side_paths() or ("\0",)):
            return False
        if obj.pk is None:
            return True  # a new record (a person first met on one of the user's dispatch rows)
        key = (type(obj).__name__, obj.pk)
        if key not in self._used_by_open:
            from django.apps import apps

            users = [pid for label, column in getattr(type(obj), "scope_through", ())
                     for pid in apps.get_model(label)._default_manager.filter(**{column: obj.pk})
                     .values_list(apps.get_model(label).scope_pairing_field + "_id", flat=True).distinct()]
            # stored and used nowhere: the national office's (else anyone could take it over)
            self._used_by_open[key] = bool(users) and all(self.pairing_open(pid) for pid in users)
        return self._used_by_open[key]

    def state_ok(self, obj: models.Model) -> bool:
        """Whether `obj`, as it is in memory (saved or not), lies in the user's writing scope."""
        if self.national:
            return True
        model = type(obj)
        if is_reference(model):
            return False
        pairing_field = getattr(model, "scope_pairing_field", None)
        if pairing_field == "":  # a pairing: by its sides, or strictly below a pairing scope
            if self._in_regions(obj.east_region_id) or self._in_regions(obj.west_region_id):  # type: ignore[attr-defined]
                return True
            parent_id = obj.parent_id  # type: ignore[attr-defined]
            return parent_id is not None and bool(self.pairing_paths) and self._pairing_row(parent_id)[0].startswith(
                self.pairing_paths)
        if pairing_field and self.pairing_open(_follow_id(obj, pairing_field)):
            return True
        for chain in getattr(model, "scope_region_fields", ()):
            if self._in_regions(_follow_id(obj, chain)):
                return True
        org_field = getattr(model, "scope_write_org", None)
        return bool(org_field) and self._serves_open_pairings(obj, org_field)

    # ---- locks of approved periods (workflow.locks) -------------------------------------------

    def lock_error(self, obj: models.Model | None) -> str | None:
        """Why `obj` (one state of a record) may not be written: an approved submission covers it.

        Applies to everyone, the national office and the system included: unlock first."""
        if obj is None:
            return None
        from shanhai.workflow.locks import LockIndex, lock_message, period_place

        place = period_place(obj)
        if place is None:
            return None
        if self._locks is None:
            self._locks = LockIndex()
        if not self._locks.by_year:
            return None
        kind, year, quarter, side, year_only = place
        field = getattr(type(obj), "scope_pairing_field", None) or "pairing"
        pairing_id = _follow_id(obj, field)
        if pairing_id is None:
            return None
        lock = self._locks.find(self._pairing_row(pairing_id)[0], year, kind=kind, side=side, quarter=quarter,
                                year_only=year_only)
        return lock_message(lock, obj) if lock else None

    # ---- whole checks --------------------------------------------------------------------------

    def errors(self, obj: models.Model, *, action: str, before: models.Model | None = None) -> list[str]:
        """Why writing `obj` is refused ([] if allowed). `before` is the stored state for change/delete."""
        model = type(obj)
        role = self.role_error(model, action)
        if role:
            return [role]
        if not self.national:  # the label (a translation lookup) only when there is something to say
            if action in ("change", "delete") and before is not None and not self.state_ok(before):
                return [f"您不能{VERBS[action]}这条{_label(model)}：它不在您可填报的数据范围内。"]
            if action in ("add", "change") and not self.state_ok(obj):
                what = "新增" if action == "add" else "修改后"
                return [f"{what}的{_label(model)}不在您可填报的数据范围内，不能保存；请核对所填地区、单位或结对关系。"]
        # the record as it was and as it will be: neither may lie in an approved (locked) period
        for state in ((before,) if action == "delete" else (before, obj) if action == "change" else (obj,)):
            locked = self.lock_error(state)
            if locked:
                return [locked]
        return []

    def ensure(self, obj: models.Model, *, action: str, before: models.Model | None = None) -> None:
        errors = self.errors(obj, action=action, before=before)
        if errors:
            raise WriteRefused(errors[0])


def stored_state(obj: models.Model) -> models.Model | None:
    """The record as the database holds it now (None for a new record)."""
    if obj.pk is None:
        return None
    return type(obj)._default_manager.filter(pk=obj.pk).first()


def write_check(user: AnyUser, obj: models.Model, *, action: str, before: models.Model | None = None) -> None:
    """The check every single-record write calls; raises WriteRefused."""
    WriteGuard(user).ensure(obj, action=action, before=before)


def pairing_shape_changed(before: models.Model | None, after: models.Model) -> bool:
    """Whether a stored pairing is being moved: its regions, parent or programme change."""
    return (before is not None and getattr(type(after), "scope_pairing_field", None) == ""
            and any(getattr(before, f) != getattr(after, f) for f in PAIRING_SHAPE))


def pairing_children_errors(pairing: Any) -> list[str]:
    """Sub-pairings that would no longer fit inside `pairing` as it is in memory (before it is saved)."""
    from django.core.exceptions import ValidationError

    errors = []
    for child in pairing.children.select_related("programme", "east_region", "west_region", "east_org", "west_org"):
        child.parent = pairing  # the new state, not the stored one
        try:
            child.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as e:
            reasons = "；".join(m for messages in e.message_dict.values() for m in messages)
            errors.append(f"下级结对“{child}”与修改后的结对关系不一致（{reasons}）；请先调整或移出下级结对。")
        if len(errors) >= 5:
            break
    return errors


PAIRING_SHAPE = ("east_region_id", "west_region_id", "parent_id", "programme_id")


def guarded_save(user: AnyUser, obj: models.Model, *, reason: str = "", before: models.Model | None = None,
                 validate: bool = True) -> models.Model:
    """Check, validate and save one record in one transaction: the door every single-record write uses.

    `before` is the stored state for an update (read from the database when not given). Raises
    WriteRefused (not allowed) or ValidationError (the model's own rules); nothing is saved then.
    """
    from django.db import transaction

    adding = obj._state.adding
    if not adding and before is None:
        before = stored_state(obj)
    with transaction.atomic():
        write_check(user, obj, action="add" if adding else "change", before=before)
        if pairing_shape_changed(before, obj):
            children = pairing_children_errors(obj)
            if children:
                raise WriteRefused(children[0])
        if validate:
            obj.full_clean()
        if user is not None and getattr(user, "pk", None) is not None:
            obj._history_user = user  # type: ignore[attr-defined]
        if reason:
            obj._change_reason = reason  # type: ignore[attr-defined]
        obj.save()
    return obj


def guarded_delete(user: AnyUser, obj: models.Model, *, reason: str = "") -> None:
    """Check and delete one record (its stored state must be the user's to delete)."""
    from django.db import transaction

    with transaction.atomic():
        write_check(user, obj, action="delete", before=stored_state(obj) or obj)
        if user is not None and getattr(user, "pk", None) is not None:
            obj._history_user = user  # type: ignore[attr-defined]
        if reason:
            obj._change_reason = reason  # type: ignore[attr-defined]
        obj.delete()
