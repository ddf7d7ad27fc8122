"""Setting up the demo: database, divisions, programme, records, the programme's year, and a login per role."""

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.db import transaction

from shanhai.accounts.models import Scope
from shanhai.demo.assessment import demo_assessment_load
from shanhai.demo.fixture import demo_teams_load
from shanhai.demo.matching import demo_matching_load
from shanhai.demo.portal import demo_portal_load
from shanhai.demo.year import demo_people, demo_year_load
from shanhai.indicators.demo_reported import demo_reported_load
from shanhai.indicators.models import PairingValue, ReportedValue
from shanhai.indicators.rollups import rollups_rebuild
from shanhai.network.models import Pairing
from shanhai.regions.lookup import find_region
from shanhai.regions.models import Region
from shanhai.regions.services import regions_load


@dataclass(frozen=True)
class Login:
    username: str
    password: str
    note: str


def _password(username: str) -> str:
    """One generated password per demo user, kept in var/ so a second run prints the same login."""
    path = settings.VAR_DIR / f"demo_{username}.txt"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(9))
        path.chmod(0o600)
    return path.read_text().strip()


@transaction.atomic
def demo_users_ensure() -> list[Login]:
    admin_pw, officer_pw = _password("admin"), _password("ziyun")
    admin, created = User.objects.get_or_create(username="admin", defaults={"is_staff": True, "is_superuser": True})
    if created:
        admin.set_password(admin_pw)
        admin.save()
    officer, created = User.objects.get_or_create(username="ziyun", defaults={"is_staff": True})
    if created:
        officer.set_password(officer_pw)
        officer.save()
        officer.groups.add(Group.objects.get(name="数据填报员"))
        Scope.objects.create(user=officer, region=find_region("紫云自治县"))
    logins = [Login("admin", admin_pw, "系统管理员，可见全部数据")]
    # one login per role of the yearly cycle (ziyun among them), each with its scope
    logins += [Login(name, pw, note) for name, pw, note in demo_people(_password)]
    return logins


def demo_setup(*, stdout: object = None) -> list[Login]:
    """Idempotent: the second run finds everything in place and only checks it."""
    call_command("migrate", verbosity=0, interactive=False)
    if not Region.objects.exists():
        regions_load()
    fresh = not Pairing.objects.exists()
    if fresh:
        call_command("synth", scale="demo", seed=2021, stdout=stdout)
    demo_teams_load()
    # The articles' own figures as reported values (idempotent; only needed once).
    if fresh or not ReportedValue.objects.filter(source_kind="document").exists():
        demo_reported_load()
    # Roll-ups are kept up to date as records change; build them only for new data.
    if fresh or not PairingValue.objects.exists():
        rollups_rebuild(resume=False)
    logins = demo_users_ensure()
    # the programme's year: 2022 closed, 2023 at every stage (idempotent)
    people = {u.username: u for u in User.objects.filter(username__in=[x.username for x in logins])}
    demo_year_load(people)
    # 2023 assessed: opened, drafts computed, reviewed, one objection decided (idempotent)
    demo_assessment_load(people)
    demo_portal_load()  # the public portal: the country's province pairs, the programme public (issue 13)
    demo_matching_load()  # needs and offers for the named pairs, some matched (issue 12)
    return logins
