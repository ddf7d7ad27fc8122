"""Accounts managed by coordinators in the web pages (账号管理): who may create, list and disable whom.

A manager holds `accounts.manage_accounts` (省级协调员, 市州协调员, 全国管理员). Nobody grants more than
they hold:

- **role**: only roles not above the manager's own (`RANK`); 全国管理员 only by the national office;
- **scope**: a region inside one of the manager's region scopes, or a pairing inside their scope (a side
  in one of their regions, or below one of their pairing scopes); the national office grants any scope,
  and a 全国管理员 account needs none;
- **listing and disabling**: the accounts whose every scope lies inside the manager's and whose role is
  not above the manager's (never the manager's own account, never a superuser unless national).

Every refusal is an `accounts.writes.WriteRefused` with a Chinese message; nothing is written then.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils import translation

from shanhai.accounts.models import Scope
from shanhai.accounts.roles import CITY, DATA_ENTRY, NATIONAL, PROVINCE, VIEWER
from shanhai.accounts.writes import AnyUser, WriteRefused, is_national
from shanhai.core.errors import ShanhaiError
from shanhai.network.models import Pairing
from shanhai.regions.models import Region

MANAGE_PERM = "accounts.manage_accounts"
# higher = more rights; a manager grants only roles at or below their own
RANK = {VIEWER: 0, DATA_ENTRY: 1, CITY: 2, PROVINCE: 3, NATIONAL: 4}
# password alphabet without look-alikes (0/O, 1/l/I): read aloud over the phone to a county office
_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def role_of(user: Any) -> str | None:
    """The user's highest built-in role (a superuser counts as 全国管理员)."""
    if user is None or getattr(user, "is_superuser", False):
        return NATIONAL
    names = [g.name for g in user.groups.all() if g.name in RANK]
    return max(names, key=RANK.__getitem__) if names else None


def can_manage(user: AnyUser) -> bool:
    return user is not None and user.is_authenticated and user.is_active and (
        is_national(user) or user.has_perm(MANAGE_PERM))


def _require_manager(manager: AnyUser) -> None:
    if not can_manage(manager):
        raise WriteRefused("您没有管理账号的权限。")


def grantable_roles(manager: AnyUser) -> list[str]:
    """The roles `manager` may give, lowest first."""
    if not can_manage(manager):
        return []
    if is_national(manager):
        return sorted(RANK, key=RANK.__getitem__)
    own = RANK.get(role_of(manager) or "", -1)
    return [r for r in sorted(RANK, key=RANK.__getitem__) if RANK[r] <= own and r != NATIONAL]


@dataclass(frozen=True)
class ManagerScope:
    """The manager's own scopes as path prefixes (None: the national office, everything)."""

    region_paths: tuple[str, ...] | None
    pairing_paths: tuple[str, ...]

    @classmethod
    def of(cls, manager: AnyUser) -> ManagerScope:
        if manager is None or is_national(manager):
            return cls(None, ())
        scopes = list(Scope.objects.filter(user=manager).select_related("region", "pairing"))
        return cls(tuple(s.region.path for s in scopes if s.region is not None),
                   tuple(s.pairing.path for s in scopes if s.pairing is not None))

    @property
    def everything(self) -> bool:
        return self.region_paths is None

    def holds_region(self, region: Region) -> bool:
        return self.everything or region.path.startswith(self.region_paths)  # type: ignore[arg-type]

    def holds_pairing(self, pairing: Pairing) -> bool:
        if self.everything:
            return True
        return (pairing.east_region.path.startswith(self.region_paths)  # type: ignore[arg-type]
                or pairing.west_region.path.startswith(self.region_paths)  # type: ignore[arg-type]
                or (bool(self.pairing_paths) and pairing.path.startswith(self.pairing_paths)))

    def holds(self, scope: Scope) -> bool:
        if scope.region_id is not None:
            return self.holds_region(scope.region)
        return scope.pairing_id is not None and self.holds_pairing(scope.pairing)

    def regions(self) -> Any:
        """The regions a scope may be given for: the manager's region subtrees."""
        if self.everything:
            return Region.objects.all()
        if not self.region_paths:
            return Region.objects.none()
        q = Q(pk__in=[])
        for path in self.region_paths:
            q |= Q(path__startswith=path)
        return Region.objects.filter(q)

    def pairings(self) -> Any:
        if self.everything:
            return Pairing.objects.all()
        q = Q(pk__in=[])
        for path in self.region_paths or ():
            q |= Q(east_region__path__startswith=path) | Q(west_region__path__startswith=path)
        for path in self.pairing_paths:
            q |= Q(path__startswith=path)
        return Pairing.objects.filter(q)


@dataclass
class Account:
    user: Any
    role: str | None
    scopes: list[Scope]

    @property
    def name(self) -> str:
        return self.user.get_full_name() or ""

    @property
    def scope_label(self) -> str:
        return "、".join(str(s) for s in self.scopes) or ("全国" if self.role == NATIONAL else "—")


def _manageable(manager: AnyUser, user: Any, scope: ManagerScope, own_rank: int) -> bool:
    if user.pk == getattr(manager, "pk", None):
        return False
    if scope.everything:
        return True
    if user.is_superuser:
        return False
    scopes = list(user.scopes.all())
    role = role_of(user)
    return bool(scopes) and all(scope.holds(s) for s in scopes) and RANK.get(role or "", 0) <= own_rank


def accounts_list(manager: AnyUser, *, search: str = "", limit: int = 500) -> list[Account]:
    """The accounts `manager` manages, by username: every scope inside theirs, role not above theirs."""
    _require_manager(manager)
    scope = ManagerScope.of(manager)
    own_rank = RANK[NATIONAL] if scope.everything else RANK.get(role_of(manager) or "", -1)
    User = get_user_model()
    qs = User.objects.exclude(pk=manager.pk).order_by("username").prefetch_related(  # type: ignore[union-attr]
        "groups", Prefetch("scopes", queryset=Scope.objects.select_related(
            "region", "pairing__east_region", "pairing__west_region")))
    if not scope.everything:
        # a first cut in SQL: users with at least one scope the manager holds; the rest is checked below
        q = Q(pk__in=[])
        for path in scope.region_paths or ():
            q |= (Q(scopes__region__path__startswith=path) | Q(scopes__pairing__east_region__path__startswith=path)
                  | Q(scopes__pairing__west_region__path__startswith=path))
        for path in scope.pairing_paths:
            q |= Q(scopes__pairing__path__startswith=path)
        qs = qs.filter(pk__in=User.objects.filter(q).values("pk"))
    if search:
        qs = qs.filter(Q(username__icontains=search) | Q(first_name__icontains=search)
                       | Q(last_name__icontains=search) | Q(email__icontains=search))
    out = []
    for user in qs[: limit * 2]:
        if _manageable(manager, user, scope, own_rank):
            out.append(Account(user, role_of(user), list(user.scopes.all())))
        if len(out) >= limit:
            break
    return out


def generate_password() -> str:
    """An initial password (14 characters, letters and digits without look-alikes), shown once."""
    while True:
        pw = "".join(secrets.choice(_ALPHABET) for _ in range(14))
        if any(c.isdigit() for c in pw) and any(c.isupper() for c in pw) and any(c.islower() for c in pw):
            return pw


def _messages(error: ValidationError) -> str:
    return "；".join(str(m) for m in error.messages)


def account_create(manager: AnyUser, *, username: str, name: str = "", email: str = "", role: str,
                   region: Region | int | str | None = None, pairing: Pairing | int | None = None,
                   password: str = "") -> tuple[Any, str]:
    """Create an account of `role` with one scope (a region or a pairing) inside the manager's.

    `password` empty generates one. Returns (user, the initial password). Raises WriteRefused (a role
    or a scope beyond the manager's) or ShanhaiError (a taken username, a weak password); nothing is
    created then."""
    _require_manager(manager)
    username = (username or "").strip()
    name, email = (name or "").strip(), (email or "").strip()
    if role not in RANK:
        raise ShanhaiError("请选择角色。", field="role")
    if role not in grantable_roles(manager):
        if role == NATIONAL:
            raise WriteRefused("只有全国管理员可以新建全国管理员账号。", field="role")
        raise WriteRefused(f"您不能授予“{role}”角色：不能授予高于本人的角色。", field="role")
    region_obj = _region(region)
    pairing_obj = _pairing(pairing)
    if region_obj is not None and pairing_obj is not None:
        raise ShanhaiError("「地区」与「结对关系」须且只能填写一项。", field="region")
    scope = ManagerScope.of(manager)
    if region_obj is None and pairing_obj is None and role != NATIONAL:
        raise ShanhaiError("请为账号选择数据范围（地区或结对关系）。", field="region")
    if region_obj is not None and not scope.holds_region(region_obj):
        raise WriteRefused(f"“{region_obj.name}”不在您的数据范围内，不能授予。", field="region")
    if pairing_obj is not None and not scope.holds_pairing(pairing_obj):
        raise WriteRefused("该结对关系不在您的数据范围内，不能授予。", field="pairing")
    if not username:
        raise ShanhaiError("请填写用户名。", field="username")
    User = get_user_model()
    try:
        User.username_validator(username)  # type: ignore[attr-defined]
    except ValidationError as e:
        raise ShanhaiError("用户名只能包含字母、数字和 @/./+/-/_ 字符。", field="username") from e
    if len(username) > 150:
        raise ShanhaiError("用户名不能超过150个字符。", field="username")
    if User.objects.filter(username__iexact=username).exists():
        raise ShanhaiError(f"用户名“{username}”已被使用。", field="username")
    if email:
        try:
            validate_email(email)
        except ValidationError as e:
            raise ShanhaiError("电子邮箱格式不正确。", field="email") from e
    if len(name) > 150:
        raise ShanhaiError("姓名不能超过150个字符。", field="name")
    generated = not password
    password = password or generate_password()
    candidate = User(username=username, first_name=name, email=email)
    if not generated:
        try:
            with translation.override("zh-hans"):  # services speak Chinese (ShanhaiError)
                validate_password(password, candidate)
        except ValidationError as e:
            with translation.override("zh-hans"):
                raise ShanhaiError(_messages(e), field="password") from e
    with transaction.atomic():
        user = User.objects.create_user(username, email=email, password=password, first_name=name,
                                        is_staff=True)  # the site's login form is the admin's
        user.groups.add(Group.objects.get(name=role))
        if region_obj is not None or pairing_obj is not None:
            Scope.objects.create(user=user, region=region_obj, pairing=pairing_obj)
    return user, password


def _region(value: Region | int | str | None) -> Region | None:
    if value in (None, ""):
        return None
    if isinstance(value, Region):
        return value
    region = Region.objects.filter(code=str(value)).first() if len(str(value)) == 6 else None
    if region is None and str(value).isdigit():
        region = Region.objects.filter(pk=int(value)).first()
    if region is None:
        raise ShanhaiError("所选地区不存在。", field="region")
    return region


def _pairing(value: Pairing | int | str | None) -> Pairing | None:
    if value in (None, ""):
        return None
    if isinstance(value, Pairing):
        return value
    if not str(value).isdigit():
        raise ShanhaiError("所选结对关系不存在。", field="pairing")
    pairing = Pairing.objects.select_related("east_region", "west_region").filter(pk=int(value)).first()
    if pairing is None:
        raise ShanhaiError("所选结对关系不存在。", field="pairing")
    return pairing


def _managed(manager: AnyUser, user_id: int) -> Any:
    _require_manager(manager)
    User = get_user_model()
    user = User.objects.filter(pk=user_id).prefetch_related("groups", "scopes__region", "scopes__pairing").first()
    if user is None:
        raise ShanhaiError("账号不存在。", code="not_found")
    if user.pk == manager.pk:  # type: ignore[union-attr]
        raise WriteRefused("不能停用或启用本人的账号。")
    scope = ManagerScope.of(manager)
    own_rank = RANK[NATIONAL] if scope.everything else RANK.get(role_of(manager) or "", -1)
    if not _manageable(manager, user, scope, own_rank):
        raise WriteRefused("该账号不在您管理的范围内。")
    return user


def account_set_active(manager: AnyUser, user_id: int, active: bool) -> Any:
    """Disable (or enable again) an account the manager manages; a disabled account cannot log in."""
    user = _managed(manager, user_id)
    if user.is_active != active:
        user.is_active = active
        user.save(update_fields=["is_active"])
    return user


def role_choices(roles: Iterable[str]) -> list[tuple[str, str]]:
    return [(r, r) for r in roles]
