"""The built-in roles, kept in step with the models after every migrate.

What each role may do is kept here (Django permissions); where they may do it is their `Scope`;
both are checked for every write by `accounts.writes.WriteGuard`.
"""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

DATA_APPS = ("network", "people", "activities", "projects", "economy")
# Reported figures, targets and the report reader's documents are programme data too.
DATA_MODELS = (("indicators", "target"), ("indicators", "reportedvalue"),
               ("evidence", "sourcedocument"), ("evidence", "proposedfact"))
# Shared by every programme and written by the national office only.
REFERENCE_MODELS = (("network", "programme"), ("indicators", "indicator"), ("regions", "region"),
                    ("regions", "regionalias"))

NATIONAL = "全国管理员"
DATA_ENTRY = "数据填报员"
VIEWER = "查看员"
# 全国管理员: the national office, everything everywhere; 数据填报员: enters and corrects records within
# their scope; 查看员: reads them.
ROLES = {
    NATIONAL: ("view", "add", "change", "delete"),
    DATA_ENTRY: ("view", "add", "change", "delete"),
    VIEWER: ("view",),
}
ROLE_HELP = _("角色权限只决定能做什么；能看到哪些数据由「数据范围」决定。")


def _models_q(pairs: tuple[tuple[str, str], ...]) -> Q:
    q = Q(pk__in=[])
    for app, model in pairs:
        q |= Q(content_type__app_label=app, content_type__model=model)
    return q


def role_permissions(role: str) -> list[Permission]:
    actions = ROLES[role]
    by_action = Q(codename__regex=rf"^({'|'.join(actions)})_")
    data = (Q(content_type__app_label__in=DATA_APPS) | _models_q(DATA_MODELS)) & ~_models_q(REFERENCE_MODELS)
    perms = Permission.objects.filter(data & by_action).exclude(content_type__model__startswith="historical")
    reference = Permission.objects.filter(_models_q(REFERENCE_MODELS))
    if role == NATIONAL:
        national = Permission.objects.filter(content_type__app_label="accounts", codename="national_office")
        return [*perms, *reference.filter(by_action), *national]
    return [*perms, *reference.filter(codename__startswith="view_")]


def roles_sync(**_: object) -> None:
    for role in ROLES:
        group, _created = Group.objects.get_or_create(name=role)
        group.permissions.set(role_permissions(role))
