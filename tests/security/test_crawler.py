"""The scope crawler (issue 14): logged in as each role, visit every URL of the site and every API read
with the IDs of records outside the role's scope, and find none of them in what comes back.

The URLs are read from the URL resolver and the API's from its OpenAPI document, not listed by hand.
Each pattern's path parameters are filled from `FILLERS` (or, for the admin, from the registered model's
outside record): a pattern added without a filler fails the crawl, so the crawler keeps up with the site.

What counts as a leak: the outside scene's records all carry the marker `OUTSIDE` in their names and
texts; no response to an in-scope user may contain it, whatever its status. Pages served (200) may not
name the outside scene's places either, except where they list the division table or other reference
data that every user reads. The school reporter, whose scope is one school pairing, may not see the
county pairing's own records above it either (marker `COUNTY`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Model, TextField
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tasks_db.models import DBTaskResult

from shanhai.accounts.models import Scope
from shanhai.accounts.roles import DATA_ENTRY, NATIONAL, PROVINCE, VIEWER
from shanhai.api.api import api
from shanhai.api.models import ApiToken
from shanhai.api.resources import AREAS
from shanhai.assessment import services as assessment_services
from shanhai.assessment.models import Assessment, Objection, Score
from shanhai.evidence.models import ProposedFact, SourceDocument
from shanhai.network.models import OrgKind, Pairing, PairingKind
from shanhai.ops.models import Job
from shanhai.regions.lookup import find_region
from shanhai.transfer.models import ImportRun
from shanhai.transfer.specs import TYPES
from shanhai.workflow import services as workflow_services
from shanhai.workflow.forms import KINDS as ENTRY_KINDS
from shanhai.workflow.models import Confirmation, Explanation, Kind, Period
from tests.factories import OrganisationFactory, PairingFactory, ProgrammeFactory
from tests.security.conftest import make

pytestmark = pytest.mark.django_db

OUTSIDE = "内乡密档"  # in every name and text of the outside scene (北京延庆 → 河南内乡)
COUNTY = "紫云县档"  # in the names of the county pairing's own records, above the school reporter's pairing
PLACES = ("内乡", "延庆")  # the outside scene's places: on no page served to an in-scope user
YEAR = 2023

# Role → (group, scope). Everyone is staff, so the admin is crawled too (the worst case).
ROLES: dict[str, tuple[str, dict[str, str]]] = {
    "county": (DATA_ENTRY, {"region": "紫云自治县"}),  # a county officer
    "institution": (DATA_ENTRY, {"pairing": "school"}),  # a school's reporter
    "province": (PROVINCE, {"region": "贵州省"}),  # the province's coordinator
    "viewer": (VIEWER, {"region": "紫云自治县"}),
    "national": (NATIONAL, {}),  # sees everything: crawled for errors only
}

# Text fields left alone when marking a record: codes, digests and formats the pages parse or match on.
UNMARKED = {"path", "sha256", "format", "encoding", "metric", "qualifier", "period", "original_name", "code",
            "id_number", "phone", "digest", "prefix", "source_ref", "source_kind", "status", "state"}


@dataclass
class Scene:
    inside: Pairing  # 南沙 → 紫云
    school: Pairing  # a school pairing below it
    outside: Pairing  # 延庆 → 内乡, nobody's scope but the national office's
    outside_school: Pairing
    records: dict[type[Model], Model] = field(default_factory=dict)  # one outside record per model
    users: dict[str, User] = field(default_factory=dict)
    outsider: User | None = None  # a 内乡 officer: an account outside every scope

    def record(self, model: type[Model]) -> Model:
        return self.records[model]


def _mark(obj: Model, marker: str) -> Model:
    """Put `marker` into every free-text field of `obj`, saved through the model (so its history has it)."""
    for f in type(obj)._meta.concrete_fields:
        if isinstance(f, CharField | TextField) and not f.choices and f.editable and f.name not in UNMARKED \
                and (f.max_length is None or f.max_length >= 24):
            setattr(obj, f.name, f"{marker}{type(obj).__name__}{obj.pk}")
    obj.save()
    return obj


def _school_pairing(parent: Pairing, marker: str) -> Pairing:
    return PairingFactory(
        programme=parent.programme, parent=parent, kind=PairingKind.SCHOOL, east_region=parent.east_region,
        west_region=parent.west_region,
        east_org=OrganisationFactory(kind=OrgKind.HIGH_SCHOOL, region=parent.east_region, name=f"{marker}东部中学"),
        west_org=OrganisationFactory(kind=OrgKind.HIGH_SCHOOL, region=parent.west_region, name=f"{marker}西部中学"))


# Models a pairing's records are made of (conftest `make` builds each; a new one fails there).
DATA_MODELS = [m for m in admin.site._registry
               if m._meta.app_label in ("network", "people", "activities", "projects", "economy", "indicators",
                                        "matching")
               and (getattr(m, "scope_pairing_field", None) is not None or getattr(m, "scope_region_fields", ()))]


def _records(pairing: Pairing, marker: str) -> dict[type[Model], Model]:
    """One marked record of every kind hanging off `pairing`: programme data, reports, assessment, evidence."""
    records: dict[type[Model], Model] = {}
    for model in DATA_MODELS:
        records[model] = _mark(make(model, pairing), marker)
    period = Period.objects.get_or_create(programme=pairing.programme, year=YEAR,
                                          defaults={"due": dt.date(YEAR + 1, 1, 31)})[0]
    submission = workflow_services.submission_for(pairing, period, Kind.REPORT, "west")
    records[type(submission)] = submission
    indicator_id = records[apps.get_model("indicators", "ReportedValue")].indicator_id
    records[Explanation] = Explanation.objects.create(submission=submission, indicator_id=indicator_id,
                                                      text=f"{marker}说明")
    records[Confirmation] = Confirmation.objects.create(pairing=pairing, period=period, indicator_id=indicator_id,
                                                        side="east", state="disputed", comment=f"{marker}有异议")
    document = SourceDocument.objects.create(pairing=pairing, title=f"{marker}工作总结", sha256="0" * 64,
                                             format="txt", text=f"{marker}正文：投入帮扶资金3000万元。")
    records[SourceDocument] = document
    records[ProposedFact] = ProposedFact.objects.create(
        document=document, metric="funds.fiscal", value=Decimal(30_000_000), evidence=f"{marker}原文", start=0, end=4)
    return records


@pytest.fixture
def scene(db) -> Scene:
    programme = ProgrammeFactory(name="东西部协作（爬虫测试）")
    inside = PairingFactory(programme=programme)
    school = _school_pairing(inside, "本校")
    outside = PairingFactory(programme=programme, east_region=find_region("北京市延庆区"),
                             west_region=find_region("内乡县"))
    s = Scene(inside, school, outside, _school_pairing(outside, OUTSIDE))
    s.records = _records(outside, OUTSIDE)
    s.records[Pairing] = s.outside_school
    _records(inside, COUNTY)  # the school reporter's parent pairing: not in its scope either

    national = User.objects.create_user("crawl-national", is_staff=True)
    national.groups.add(Group.objects.get(name=NATIONAL))
    scheme = assessment_services.scheme_for(programme, YEAR)
    assessment_services.scheme_open(national, scheme)
    a = Assessment.objects.get(scheme=scheme, pairing=outside)
    _mark(a, OUTSIDE)
    score = Score.objects.filter(assessment=a).first()
    s.records[Assessment], s.records[Score] = a, score
    s.records[Objection] = Objection.objects.create(score=score, text=f"{OUTSIDE}异议", evidence=f"{OUTSIDE}佐证")

    s.outsider = User.objects.create_user(f"{OUTSIDE}干部", first_name=OUTSIDE, last_name="干部",
                                          email="nx@example.cn", is_staff=True)
    s.outsider.groups.add(Group.objects.get(name=DATA_ENTRY))
    Scope.objects.create(user=s.outsider, region=find_region("内乡县"))
    s.records[User] = s.outsider
    s.records[ImportRun] = ImportRun.objects.create(user=s.outsider, type_key="project", filename=f"{OUTSIDE}.csv",
                                                    result={"summary": f"{OUTSIDE}导入"})
    s.records[Job] = Job.objects.create(kind="transfer.import", label=f"{OUTSIDE}导入", user=s.outsider,
                                        message=f"{OUTSIDE}完成")
    s.records[ApiToken] = ApiToken.issue(s.outsider, f"{OUTSIDE}令牌")[0]
    s.records[TOTPDevice] = TOTPDevice.objects.create(user=s.outsider, name=f"{OUTSIDE}手机", confirmed=True)
    # The login log and the task queue's own rows name the outside officer and their job.
    seen = {"user_agent": "crawler", "ip_address": "10.0.0.9", "username": s.outsider.username, "http_accept": "*/*",
            "path_info": "/admin/login/"}
    AccessAttempt.objects.create(**seen, get_data="", post_data=f"username={OUTSIDE}", failures_since_start=3)
    AccessLog.objects.create(**seen)
    AccessFailureLog.objects.create(**seen)
    DBTaskResult.objects.create(args_kwargs={"args": [s.records[Job].pk], "kwargs": {}}, backend_name="default",
                                task_path="shanhai.ops.jobs.job_run", run_after=timezone.now(),
                                exception_class_path="", traceback="")

    for role, (group, scope) in ROLES.items():
        user = national if role == "national" else User.objects.create_user(f"crawl-{role}", is_staff=True)
        user.groups.add(Group.objects.get(name=group))
        if "region" in scope:
            Scope.objects.create(user=user, region=find_region(scope["region"]))
        elif "pairing" in scope:
            Scope.objects.create(user=user, pairing=school)
        s.users[role] = user
    return s


# ---------------------------------------------------------------- the URL patterns and their fillers

@dataclass(frozen=True)
class Route:
    pattern: str  # the pattern's text, prefixes included ("admin/people/person/<path:object_id>/change/")
    name: str  # namespaced name ("admin:people_person_change"); "" for unnamed
    params: tuple[str, ...]
    callback: Callable[..., Any]


def routes(resolver: URLResolver | None = None, prefix: str = "", ns: str = "") -> Iterator[Route]:
    """Every URL pattern of the site, recursively through includes."""
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        text = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            inner = f"{ns}{p.namespace}:" if p.namespace else ns
            yield from routes(p, text, inner)
        elif isinstance(p, URLPattern):
            yield Route(text, f"{ns}{p.name}" if p.name else "", _params(text), p.callback)


def _params(text: str) -> tuple[str, ...]:
    named = re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", text)
    names = [a or b for a, b in named]
    unnamed = len(re.findall(r"\((?!\?)", text))  # simple-history's ^([^/]+)/history/([^/]+)/$
    return (*names, *(f"_{i}" for i in range(unnamed)))


def _url(route: Route, values: dict[str, Any]) -> str:
    """The route's text with its parameters replaced by `values` (the regex anchors dropped)."""
    text = route.pattern
    for name, value in values.items():
        if name.startswith("_"):
            text = re.sub(r"\((?!\?)[^)]*\)", str(value), text, count=1)
        else:
            text = re.sub(rf"<(?:\w+:)?{name}>|\(\?P<{name}>[^)]*\)", str(value), text, count=1)
    return "/" + text.replace("^", "").replace("$", "")


Filler = Callable[[Scene], list[dict[str, Any]]]


def _outside(model: type[Model], key: str = "pk") -> Filler:
    return lambda s: [{key: s.record(model).pk}]


def _entry(s: Scene) -> list[dict[str, Any]]:
    return [{"pairing_id": s.outside.pk, "year": YEAR}]


def _entry_records(s: Scene) -> list[dict[str, Any]]:
    return [{"pairing_id": s.outside.pk, "year": YEAR, "kind": kind} for kind in ENTRY_KINDS]


def _entry_record(s: Scene) -> list[dict[str, Any]]:
    return [{"pairing_id": s.outside.pk, "year": YEAR, "kind": key, "record_id": s.record(kind.model).pk}
            for key, kind in ENTRY_KINDS.items()]


def _scheme(s: Scene) -> list[dict[str, Any]]:
    return [{"pk": s.record(Assessment).scheme_id}]  # schemes are reference data; their results are not


FILLERS: dict[str, Filler] = {
    "transfer:template": lambda s: [{"type_key": k, "fmt": "xlsx"} for k in TYPES],
    "transfer:export": lambda s: [{"type_key": k, "fmt": f} for k in TYPES for f in ("csv", "xlsx")],
    "transfer:run": _outside(ImportRun),
    "transfer:commit": _outside(ImportRun),
    "evidence:review": _outside(SourceDocument, "document_id"),
    "evidence:accept": _outside(ProposedFact, "fact_id"),
    "evidence:reject": _outside(ProposedFact, "fact_id"),
    "workflow:move": lambda s: [{"pk": s.record(apps.get_model("workflow", "Submission")).pk}],
    "workflow:account_active": _outside(User),
    "admin:otp_totp_totpdevice_config": _outside(TOTPDevice),  # django-otp's admin: the outsider's key
    "admin:otp_totp_totpdevice_qrcode": _outside(TOTPDevice),
    "workflow:entry": _entry,
    "workflow:plan": _entry,
    "workflow:history": _entry,
    "workflow:record_save": lambda s: _entry_records(s) + _entry_record(s),
    "workflow:record_delete": _entry_record,
    "assessment:scheme": _scheme,
    "assessment:item_add": _scheme,
    "assessment:item_save": lambda s: [{"pk": s.record(Assessment).scheme_id, "item_pk": s.record(Score).item_id}],
    "assessment:bands_save": _scheme,
    "assessment:scheme_action": _scheme,
    "assessment:results": _scheme,
    "assessment:detail": _outside(Assessment),
    "assessment:action": _outside(Assessment),
    "assessment:sheet": lambda s: [{"pk": s.record(Assessment).pk, "kind": k} for k in ("self", "result")],
    "assessment:score_action": _outside(Score),
    "assessment:decide": _outside(Objection),
    **{f"matching:{side}{suffix}": (lambda s, m=model: [{"pk": s.record(apps.get_model("matching", m)).pk}])
       for side, model in (("need", "Need"), ("offer", "Offer")) for suffix in ("", "_edit", "_withdraw")},
    "matching:propose": lambda s: [{"pk": s.record(apps.get_model("matching", "Need")).pk,
                                    "offer": s.record(apps.get_model("matching", "Offer")).pk}],
    "matching:decide": lambda s: [{"pk": s.record(apps.get_model("matching", "Match")).pk}],
    "ops:job": _outside(Job),
    "ops:job_status": _outside(Job),
    "web:map_province": lambda s: [{"code": find_region("河南省").code}, {"code": find_region("北京市").code}],
    "web:region": lambda s: [{"code": s.outside.west_region.code}, {"code": s.outside.east_region.code}],
    "web:pairing": lambda s: [{"pairing_id": s.outside.pk}, {"pairing_id": s.outside_school.pk}],
    **{f"{ns}:{name}": filler for ns in ("portal", "portal_en") for name, filler in {
        "programme": lambda s: [{"programme": s.outside.programme_id}],
        "map_data": lambda s: [{"programme": s.outside.programme_id}],
        "province": lambda s: [{"programme": s.outside.programme_id, "code": s.outside.west_region.code[:2] + "0000"}],
        "pairing": lambda s: [{"programme": s.outside.programme_id, "pairing_id": s.outside.pk}],
        "download": lambda s: [{"programme": s.outside.programme_id, "year": 2023, "name": n, "fmt": f}
                               for n in ("indicators", "projects", "funds") for f in ("csv", "json")],
    }.items()},
    "admin:app_list": lambda s: [{"app_label": m._meta.app_label} for m in
                                 {m._meta.app_label: m for m in admin.site._registry}.values()],
    "admin:view_on_site": lambda s: [{"content_type_id": ContentType.objects.get_for_model(type(o)).pk,
                                      "object_id": o.pk} for o in s.records.values()],
}
SKIPPED = {
    "admin/(?P<url>.*)$": "the admin's catch-all: redirects unknown admin URLs to the login or 404",
}
# A registered model's own pages: admin/<app>/<model>/<object_id>/…, named or not.
ADMIN_ROUTE = re.compile(r"^admin/(?P<app>\w+)/(?P<model>[a-z]+)/(\^\(|<(\w+:)?(object_)?id>)")


def _admin_record(s: Scene, app: str, model_name: str) -> Model:
    """The outside scene's record of a registered model; reference data (regions, programmes, roles,
    the lockout log, task rows) has no scope, so any of its rows will do — one must exist."""
    model = apps.get_model(app, model_name)
    if model in s.records:
        return s.records[model]
    if model is Region_model():
        return s.outside.west_region
    assert getattr(model, "scope_pairing_field", None) is None and not getattr(model, "scope_region_fields", ()), (
        f"{model._meta.label} 是有数据范围的记录，爬虫场景须为它造一条范围外的记录（_records）。")
    row = model._default_manager.order_by("pk").last()
    assert row is not None, (
        f"管理后台的 {model._meta.label} 在爬虫场景里没有记录：请在 tests/security/test_crawler.py 的场景中"
        "为它造一条范围外的记录（或一条参考数据）。")
    return row


def Region_model() -> type[Model]:  # noqa: N802 - a model, as the registry names it
    return apps.get_model("regions", "Region")


def _admin_values(s: Scene, route: Route) -> list[dict[str, Any]]:
    match = ADMIN_ROUTE.match(route.pattern)
    assert match, route.pattern
    obj = _admin_record(s, match["app"], match["model"])
    if route.params == ("_0", "_1"):  # simple-history's version page: the object and one of its versions
        history = type(obj).history.filter(**{type(obj)._meta.pk.attname: obj.pk}).order_by("history_id").first() \
            if hasattr(type(obj), "history") else None
        # Reference rows loaded in bulk have no history: a missing version is asked for (and refused).
        assert history is not None or type(obj) not in s.records or not hasattr(type(obj), "history"), \
            f"{type(obj).__name__} 没有历史记录"
        return [{"_0": obj.pk, "_1": history.history_id if history else 0}]
    return [{route.params[0]: obj.pk}]


def concrete_urls(s: Scene) -> tuple[list[str], list[str]]:
    """(every URL to visit, the patterns nobody knows how to fill). API patterns are left to the
    OpenAPI walk, which must know each of them."""
    urls: list[str] = []
    unknown: list[str] = []
    api_paths = {p.replace("{pk}", "<pk>").lstrip("/") for p in api.get_openapi_schema()["paths"]}
    for route in routes():
        if route.pattern in SKIPPED or route.name in SKIPPED:
            continue
        if route.pattern.startswith("api/") and route.params:
            if route.pattern not in api_paths:
                unknown.append(f"{route.pattern} (不在 OpenAPI 文档里)")
            continue
        if not route.params:
            urls.append(_url(route, {}))
            continue
        if route.name in FILLERS:  # two patterns may share a name: each takes the values of its parameters
            values = [v for v in FILLERS[route.name](s) if set(v) == set(route.params)]
            if not values:
                unknown.append(f"{route.pattern} ({route.name}: 参数不符)")
        elif ADMIN_ROUTE.match(route.pattern):
            values = _admin_values(s, route)
        else:
            unknown.append(f"{route.pattern} ({route.name or '无名'})")
            continue
        for v in values:
            url = _url(route, v)
            assert resolve(url.split("?")[0]).func == route.callback, (url, route)
            urls.append(url)
    return urls, unknown


# ---------------------------------------------------------------- what a response may contain

def _text(response: Any) -> str:
    """The response body as text; xlsx (a zip) read member by member, streamed bodies joined."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if body[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(body)) as z:
            return "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith(".xml"))
    return body.decode("utf-8", "replace")


REFERENCE_PAGES = re.compile(r"^/admin/(regions|network/programme|indicators/indicator|workflow/period|"
                             r"workflow/checkrule|auth/group|axes|django_tasks_database)/|^/map/|^/api/docs")
OPTION = re.compile(r"<option[^>]*>[^<]*</option>")


def leaks(role: str, url: str, response: Any) -> list[str]:
    """What `response` shows that `role` may not see (empty: nothing)."""
    if response.status_code >= 500:
        return [f"{url}: {response.status_code}"]
    if role == "national":
        return []
    text = _text(response)
    found = [m for m in (OUTSIDE, COUNTY if role == "institution" else None) if m and m in text]
    if response.status_code == 200 and not REFERENCE_PAGES.search(url):
        # Choice lists of divisions (reference data) may name any place; what else names one is a leak.
        visible_text = OPTION.sub("", text)
        found += [p for p in PLACES if p in visible_text]
    return [f"{url} → {response.status_code}: {found} …{_around(text, found[0])}…"] if found else []


def _around(text: str, word: str) -> str:
    i = text.find(word)
    return re.sub(r"\s+", " ", text[max(0, i - 120):i + 60])


# ---------------------------------------------------------------- the crawl

def test_every_url_pattern_has_a_filler(scene) -> None:
    """A pattern with parameters the crawler cannot fill fails here, named, so the crawler keeps up."""
    _urls, unknown = concrete_urls(scene)
    assert not unknown, "爬虫不知道如何填写这些地址的参数（请在 FILLERS 中为它们写范围外的取值）：\n" + "\n".join(unknown)


@pytest.mark.parametrize("role", list(ROLES))
def test_pages_show_nothing_outside_the_scope(scene, role) -> None:
    urls, _unknown = concrete_urls(scene)
    client = Client()
    client.force_login(scene.users[role])
    before = _digest()
    found: list[str] = []
    for url in urls:
        response = client.get(url)
        found += leaks(role, url, response)
        if response.status_code == 405 and "POST" in response.get("Allow", "") and role != "national":
            # A form's target: an empty POST with the outside IDs is refused without telling anything.
            posted = client.post(url, {})
            found += leaks(role, f"POST {url}", posted)
            if 200 <= posted.status_code < 300 and posted.status_code != 200:
                found.append(f"POST {url} → {posted.status_code}")
    assert not found, f"{role} 看到了范围外的数据：\n" + "\n".join(found)
    if role != "national":
        assert _digest() == before, f"{role} 的请求改动了数据"


def _digest() -> str:
    """Every row of programme data, reports, assessments, imports and accounts: equal means nothing written."""
    digest = hashlib.sha256()
    for model in apps.get_models():
        if model._meta.app_label in WRITTEN:
            for row in model._default_manager.order_by("pk").values_list():
                digest.update(repr(row).encode())
    return digest.hexdigest()


WRITTEN = {"network", "people", "activities", "projects", "economy", "indicators", "evidence", "workflow",
           "assessment", "transfer", "accounts", "auth", "ops", "api"}


def api_reads(s: Scene) -> list[str]:
    """Every read operation of the OpenAPI document, with outside IDs in its path and its filters."""
    models = {f"/api/{area}/{res.path}/{{pk}}": res.model for area, (_t, resources) in AREAS.items()
              for res in resources}
    models["/api/assessment/results/{pk}"] = Assessment
    urls: list[str] = []
    for path, methods in api.get_openapi_schema()["paths"].items():
        op = methods.get("get")
        if op is None:
            continue
        names = {p["name"] for p in op.get("parameters", []) if p["in"] == "path"}
        if not names:
            query = {p["name"] for p in op.get("parameters", []) if p["in"] == "query"}
            urls.append(path)
            if "pairing" in query:
                urls.append(f"{path}?pairing={s.outside.pk}")
            if "region" in query:
                urls.append(f"{path}?region={s.outside.west_region.code}")
            continue
        assert names == {"pk"}, f"爬虫不认识 {path} 的路径参数 {names}"
        if path.startswith("/api/assessment/schemes/"):
            urls.append(path.replace("{pk}", str(s.record(Assessment).scheme_id)))
            continue
        assert path in models, f"爬虫不知道 {path} 取哪类记录的编号（请在 api_reads 中补上）"
        model = models[path]
        obj = s.records.get(model) or model._default_manager.order_by("pk").last()
        assert obj is not None, path
        urls.append(path.replace("{pk}", str(obj.pk)))
    return urls


@pytest.mark.parametrize("role", list(ROLES))
def test_api_reads_show_nothing_outside_the_scope(scene, role) -> None:
    client = Client(HTTP_AUTHORIZATION=f"Bearer {ApiToken.issue(scene.users[role], 'crawler')[1]}")
    found: list[str] = []
    for url in api_reads(scene):
        response = client.get(url)
        found += leaks(role, url, response)
        if role == "national" and "{" not in url:
            assert response.status_code == 200, (url, response.content[:300])
    assert not found, f"{role} 经接口看到了范围外的数据：\n" + "\n".join(found)


def test_the_crawl_sees_the_outside_scene_as_the_national_office(scene) -> None:
    """The markers are real: the national office, whose scope is everything, finds them where they are."""
    client = Client()
    client.force_login(scene.users["national"])
    assert OUTSIDE in _text(client.get(f"/pairings/{scene.outside.pk}/"))
    assert OUTSIDE in _text(client.get("/data/export/project.csv"))
    assert OUTSIDE in _text(client.get(f"/admin/people/person/{scene.record(apps.get_model('people', 'Person')).pk}/change/"))
    api_client = Client(HTTP_AUTHORIZATION=f"Bearer {ApiToken.issue(scene.users['national'], 'c')[1]}")
    assert OUTSIDE in _text(api_client.get("/api/people/persons"))
