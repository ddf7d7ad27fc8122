"""The built-in roles, kept in step with the models after every migrate."""

from django.contrib.auth.models import Group, Permission
from django.utils.translation import gettext_lazy as _

DATA_APPS = ("network", "people", "activities", "projects", "economy")
# 数据填报员: enters and corrects records within their scope; 查看员: reads them.
ROLES = {
    "数据填报员": ("view", "add", "change", "delete"),
    "查看员": ("view",),
}
ROLE_HELP = _("角色权限只决定能做什么；能看到哪些数据由「数据范围」决定。")


def roles_sync(**_: object) -> None:
    for role, actions in ROLES.items():
        group, _created = Group.objects.get_or_create(name=role)
        perms = Permission.objects.filter(
            content_type__app_label__in=DATA_APPS,
            codename__regex=rf"^({'|'.join(actions)})_",
        ).exclude(content_type__model__startswith="historical")
        region_view = Permission.objects.filter(content_type__app_label="regions", codename__startswith="view_")
        group.permissions.set([*perms, *region_view])
