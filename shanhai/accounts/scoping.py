"""The one scoping function: every read of programme data for a user goes through `visible`.

- a superuser or the national office (`accounts.national_office`) sees everything;
- a region scope shows the pairings whose east OR west region lies in that subtree (and the
  records hanging off those pairings; organisations and people located in the subtree);
- a pairing scope shows that pairing and all its sub-pairings, and their records.

Models declare how they reach a pairing (`scope_pairing_field`, "" for Pairing itself) or a region
(`scope_region_fields`), and may add records it is seen through (`scope_through`); a model
declaring none of these is reference data (regions, programmes).
"""

from functools import reduce
from operator import or_
from typing import TypeVar

from django.apps import apps
from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Model, Q, QuerySet

from shanhai.accounts.models import Scope
from shanhai.core.reads import once

M = TypeVar("M", bound=Model)


def _prefix(field: str) -> str:
    return f"{field}__" if field else ""


def scope_filter(user: User | AnonymousUser, model: type[Model]) -> Q | None:
    """The filter for `model` rows `user` may see; None means no restriction."""
    if user.is_superuser or (user.is_authenticated and user.is_active and user.has_perm("accounts.national_office")):
        return None
    pairing_field = getattr(model, "scope_pairing_field", None)
    region_fields: tuple[str, ...] = getattr(model, "scope_region_fields", ())
    if pairing_field is None and not region_fields:
        return None  # reference data
    if not user.is_authenticated:
        return Q(pk__in=[])
    scopes = once(("scoping_scopes", user.pk), lambda: list(
        Scope.objects.filter(user=user).select_related("region", "pairing")))
    parts: list[Q] = []
    for scope in scopes:
        if scope.region is not None:
            path = scope.region.path
            if pairing_field is not None:
                p = _prefix(pairing_field)
                parts.append(Q(**{f"{p}east_region__path__startswith": path}))
                parts.append(Q(**{f"{p}west_region__path__startswith": path}))
            for field in region_fields:
                parts.append(Q(**{f"{field}__path__startswith": path}))
        elif scope.pairing is not None and pairing_field is not None:
            parts.append(Q(**{f"{_prefix(pairing_field)}path__startswith": scope.pairing.path}))
    for label, column in getattr(model, "scope_through", ()):
        # Also visible through a related record the user sees (a person through their dispatches).
        related = apps.get_model(label)
        related_q = scope_filter(user, related)
        if related_q is not None:
            parts.append(Q(pk__in=related._default_manager.filter(related_q).values(column)))
    if not parts:
        return Q(pk__in=[])
    return reduce(or_, parts)


def visible(user: User | AnonymousUser, qs: QuerySet[M]) -> QuerySet[M]:
    """Narrow `qs` to the rows `user` may see."""
    # Every scope lookup follows forward foreign keys or a subquery, so no row is repeated.
    condition = scope_filter(user, qs.model)
    return qs if condition is None else qs.filter(condition)


def can_see(user: User | AnonymousUser, obj: Model) -> bool:
    return visible(user, type(obj)._default_manager.filter(pk=obj.pk)).exists()
