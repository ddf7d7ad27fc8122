"""The built-in roles, kept in step with the models after every migrate.

What each role may do is kept here (Django permissions); where they may do it is their `Scope`;
both are checked for every write by `accounts.writes.WriteGuard`.
"""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

DATA_APPS = ("network", "people", "activities", "projects", "economy")
# Reported figures, targets and the report reader's documents are programme data too.
DATA_MODELS = (("indicators", "target"), ("indicators", "reportedvalue"),
               ("evidence", "sourcedocument"), ("evidence", "proposedfact"),
               ("workflow", "submission"), ("workflow", "confirmation"), ("workflow", "explanation"),
               ("workflow", "step"),
               ("assessment", "assessment"), ("assessment", "score"), ("assessment", "objection"),
               ("assessment", "item"),
               ("matching", "need"), ("matching", "offer"), ("matching", "match"))
# Shared by every programme and written by the national office only.
REFERENCE_MODELS = (("network", "programme"), ("indicators", "indicator"), ("regions", "region"),
                    ("regions", "regionalias"), ("workflow", "period"), ("workflow", "checkrule"),
                    ("assessment", "scheme"), ("assessment", "gradeband"), ("assessment", "caprule"),
                    ("portal", "publication"))

# Group names (data) in Chinese; marked so pages can show them translated ({% translate role %}).
NATIONAL = gettext_noop("全国管理员")
PROVINCE = gettext_noop("省级协调员")
CITY = gettext_noop("市州协调员")
DATA_ENTRY = gettext_noop("数据填报员")
VIEWER = gettext_noop("查看员")
# 全国管理员: the national office, everything everywhere; 省级协调员: a province's office — enters,
# reviews, approves (locks) and unlocks, manages its scope's accounts; 市州协调员: a city/prefecture's
# office — enters, reviews, manages accounts; 数据填报员: a county officer or an institution reporter
# (by their scope) — enters, corrects and submits; 查看员: reads.
ROLES = {
    NATIONAL: ("view", "add", "change", "delete"),
    PROVINCE: ("view", "add", "change", "delete"),
    CITY: ("view", "add", "change", "delete"),
    DATA_ENTRY: ("view", "add", "change", "delete"),
    VIEWER: ("view",),
}
# Steps of the yearly cycle and account management beyond the model permissions ("app.codename").
ROLE_EXTRA = {
    NATIONAL: ("workflow.review_submission", "workflow.approve_submission", "workflow.accept_submission",
               "accounts.manage_accounts", "accounts.national_office",
               "assessment.review_assessment", "assessment.publish_assessment"),
    PROVINCE: ("workflow.review_submission", "workflow.approve_submission", "accounts.manage_accounts",
               "assessment.review_assessment"),
    CITY: ("workflow.review_submission", "accounts.manage_accounts", "assessment.review_assessment"),
    DATA_ENTRY: (),
    VIEWER: (),
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
    extra = Q(pk__in=[])
    for name in ROLE_EXTRA[role]:
        app, codename = name.split(".")
        extra |= Q(content_type__app_label=app, codename=codename)
    extras = list(Permission.objects.filter(extra))
    if role == NATIONAL:
        return [*perms, *reference.filter(by_action), *extras]
    return [*perms, *reference.filter(codename__startswith="view_"), *extras]


def roles_sync(**_: object) -> None:
    for role in ROLES:
        group, _created = Group.objects.get_or_create(name=role)
        group.permissions.set(role_permissions(role))
