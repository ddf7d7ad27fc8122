"""The general import path's validation is Django's `full_clean`, and its set-based writes are what
simple-history's bulk helpers write.

`ModelRules.full_clean` (check constraints evaluated in Python, field cleaning remembered per value,
foreign keys checked once per value) is compared with `Model.full_clean(exclude, validate_unique=False)`
on random, mostly invalid instances of every model an import writes: the same errors, in the same
order, and the same cleaned values.
"""

import datetime as dt
import random
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import models

from shanhai.activities.models import Activity, Training
from shanhai.economy.models import IndustrialPark, Investment, Placement, Sale, Workshop
from shanhai.indicators.models import Indicator, ReportedValue
from shanhai.network.models import Organisation, OrgKind, Pairing, PairingKind, Programme
from shanhai.people.models import Dispatch, Person
from shanhai.projects.models import Donation, FundAllocation, Project
from shanhai.regions.lookup import find_region
from shanhai.transfer.checks import CLEAN_READS, ModelRules
from shanhai.transfer.engine import import_file
from tests.factories import OrganisationFactory, PersonFactory, ProgrammeFactory, ProjectFactory
from tests.transfer.conftest import HEAD, PAIR

MODELS = [Organisation, Pairing, Dispatch, Training, Activity, Project, FundAllocation, Donation, Investment,
          Workshop, Sale, Placement, ReportedValue, Person]


@pytest.fixture
def related(pairing):
    """Candidate values for every foreign key the import models have."""
    school = OrganisationFactory(name="测试中学", kind=OrgKind.HIGH_SCHOOL, region=find_region("广州市南沙区"))
    firm = OrganisationFactory(name="测试企业", kind=OrgKind.ENTERPRISE, region=find_region("紫云自治县"))
    other = Pairing.objects.create(programme=pairing.programme, kind=PairingKind.COUNTY,
                                   east_region=find_region("广州市番禺区"), west_region=find_region("关岭自治县"))
    park = IndustrialPark.objects.create(pairing=pairing, name="园区", region=pairing.west_region,
                                         established=dt.date(2022, 1, 1))
    narrow = ProgrammeFactory(name="京津冀协同（测试）")
    narrow.east_provinces.add(find_region("北京市"))
    narrow = Programme.objects.prefetch_related("east_provinces", "west_provinces").get(pk=narrow.pk)
    return {
        Programme: [pairing.programme, narrow],
        User: [User.objects.create_user("someone")],
        Pairing: [pairing, other],
        Organisation: [school, firm],
        Person: [PersonFactory()],
        Project: [ProjectFactory(pairing=pairing), ProjectFactory(pairing=other)],
        IndustrialPark: [park],
        Indicator: list(Indicator.objects.filter(unit__in=["yuan", "percent", "person"])[:3]),
        "region": [find_region("紫云自治县"), find_region("广州市南沙区"), find_region("贵州省"), find_region("安顺市")],
    }


def _pool(f: models.Field, related: dict) -> list:
    if f.is_relation:
        target = f.related_model
        found = related["region"] if target.__name__ == "Region" else related.get(target, [])
        return [*found, None] if f.null else list(found)
    if f.choices:
        return [f.choices[0][0], f.choices[-1][0], "nope", ""]
    if isinstance(f, models.BooleanField):
        return [True, False]
    if isinstance(f, models.DateTimeField):
        return [None]
    if isinstance(f, models.DateField):
        return [None, dt.date(2019, 12, 31), dt.date(2021, 6, 1), dt.date(2026, 1, 1)]
    if isinstance(f, models.DecimalField):
        return [None, Decimal("1.0"), Decimal("1.000"), Decimal("-3"), Decimal("107.5"), Decimal("1" * 20)]
    if isinstance(f, models.IntegerField):
        return [None, -1, 0, 1, 4, 12, 13, 1989, 2023, 2101]
    if isinstance(f, models.JSONField):
        return [[], ["education"], ["nope"]]
    length = getattr(f, "max_length", None) or 10
    return ["", "名称", "x" * (length + 1)]


def _outcome(clean) -> dict | None:
    try:
        clean()
    except ValidationError as e:
        return e.message_dict
    return None


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_full_clean_equivalent_on_random_rows(model, related):
    rng = random.Random(f"rules:{model.__name__}")
    rules = ModelRules(model)  # one per model for all rows, as for one import: its memos warm up
    fields = [f for f in model._meta.concrete_fields if not f.primary_key and f.editable]
    disagreements = []
    for case in range(150):
        values = {f.name: rng.choice(_pool(f, related)) for f in fields}
        # As the engine: foreign keys set to instances are excluded, sometimes some other fields too.
        exclude = [n for n, v in values.items() if isinstance(v, models.Model) and rng.random() < 0.8]
        exclude += rng.sample([f.name for f in fields], k=rng.choice([0, 0, 1]))
        django_obj, ours = model(**values), model(**values)
        expected = _outcome(lambda o=django_obj, x=exclude: o.full_clean(exclude=x, validate_unique=False))
        got = _outcome(lambda o=ours, x=exclude: rules.full_clean(o, x))
        cleaned = {f.attname: getattr(django_obj, f.attname) for f in fields}
        if got != expected or cleaned != {f.attname: getattr(ours, f.attname) for f in fields}:
            disagreements.append((case, values, exclude, expected, got))
    assert not disagreements, disagreements[:3]


def test_pairing_clean_remembered_per_values_it_reads(related):
    """Many rows sharing the values CLEAN_READS lists (and differing elsewhere): each answer as Django's."""
    rng = random.Random("rules:pairing-memo")
    rules = ModelRules(Pairing)
    fields = [f for f in Pairing._meta.concrete_fields if not f.primary_key and f.editable]
    read = {Pairing._meta.get_field(a).name for a in CLEAN_READS["network.pairing"] if a not in ("id", "path")}
    for case in range(300):
        values = {f.name: rng.choice(_pool(f, related)[:2] if f.name in read else _pool(f, related)) for f in fields}
        exclude = [n for n, v in values.items() if isinstance(v, models.Model)]
        django_obj, ours = Pairing(**values), Pairing(**values)
        expected = _outcome(lambda o=django_obj, x=exclude: o.full_clean(exclude=x, validate_unique=False))
        assert _outcome(lambda o=ours, x=exclude: rules.full_clean(o, x)) == expected, (case, values)
    assert len(rules._clean_memo) < 150  # most rows were answered from the memo


def test_equal_decimals_are_told_apart_by_the_field_memo(db):
    rules = ModelRules(ReportedValue)
    first = ReportedValue(year=2023, value=Decimal("1.0"), source_kind="sheet", source_ref="x")
    second = ReportedValue(year=2023, value=Decimal("1.000"), source_kind="sheet", source_ref="x")
    excluded = ["indicator", "pairing", "region"]
    assert "value" not in _outcome(lambda: rules.full_clean(first, excluded))
    assert "value" in _outcome(lambda: rules.full_clean(second, excluded))


# ---- writes -----------------------------------------------------------------------------------

TRAINING_HEAD = HEAD + ["培训类别", "培训名称", "开始日期", "结束日期", "培训人次"]


def test_created_and_changed_records_get_their_history(pairing, csv_file):
    user = User.objects.create_superuser("importer")
    rows = [PAIR + ["专业技术人才培训", f"班{i}", "2023-05-08", "2023-05-12", str(10 + i)] for i in range(3)]
    first = import_file(csv_file([TRAINING_HEAD, *rows], name="v1.csv"), user=user)
    assert first.committed and first.created == 3
    trainings = list(Training.objects.order_by("pk"))
    for t in trainings:
        [h] = t.history.all()
        assert (h.history_type, h.history_user, h.history_change_reason) == ("+", user, "导入：v1.csv")
        assert (h.title, h.participants, h.pairing_id, h.start_date) == (t.title, t.participants, pairing.pk,
                                                                          dt.date(2023, 5, 8))
        assert t.created_at is not None and t.updated_at is not None
    rows[1][-1] = "99"
    second = import_file(csv_file([TRAINING_HEAD, *rows], name="v2.csv"), user=user)
    assert (second.created, second.updated, second.unchanged) == (0, 1, 2)
    changed = Training.objects.get(title="班1")
    assert changed.participants == 99 and changed.updated_at > trainings[1].updated_at
    assert [(h.history_type, h.participants, h.history_change_reason) for h in changed.history.all()] == [
        ("~", 99, "导入：v2.csv"), ("+", 11, "导入：v1.csv")]
    # New ids never reuse a deleted record's (SQLite AUTOINCREMENT, PostgreSQL sequence)
    top = Training.objects.order_by("-pk").first().pk
    Training.objects.filter(pk=top).delete()
    import_file(csv_file([TRAINING_HEAD, PAIR + ["专业技术人才培训", "班9", "2023-05-08", "", "1"]], name="v3.csv"))
    assert Training.objects.get(title="班9").pk > top


def test_new_pairings_below_a_new_pairing_of_the_same_file(db, csv_file):
    ProgrammeFactory(name="东西部协作（2021—2025年）")
    head = ["协作项目", "结对类型", "东部地区", "西部地区", "东部乡镇/村", "西部乡镇/村"]
    f = csv_file([
        head,
        ["东西部协作（2021—2025年）", "县（区、旗）结对", "广州市南沙区", "紫云自治县", "", ""],
        ["东西部协作（2021—2025年）", "乡镇（街道）结对", "广州市南沙区", "紫云自治县", "东涌镇", "坝羊镇"],
        ["东西部协作（2021—2025年）", "村（社区）结对", "广州市南沙区", "紫云自治县", "东涌镇一村", "坝羊镇一村"],
    ])
    result = import_file(f)
    assert result.committed and result.created == 3, result.errors
    county = Pairing.objects.get(kind=PairingKind.COUNTY)
    for p in Pairing.objects.exclude(pk=county.pk):
        assert p.parent == county and p.path == f"{county.pk}/{p.pk}/"
        assert [h.history_type for h in p.history.all()] == ["+"]
    assert county.path == f"{county.pk}/"


def test_dispatch_people_created_with_history(pairing, csv_file):
    OrganisationFactory(name="广州市南沙区东涌中学", kind=OrgKind.HIGH_SCHOOL, region=find_region("广州市南沙区"))
    head = HEAD + ["姓名", "身份证号", "工作单位", "方向", "类别", "计划开始日期"]
    f = csv_file([head, PAIR + ["李明", "110101199003074514", "", "东部→西部", "挂职干部", "2023-03-01"],
                  PAIR + ["王芳", "", "广州市南沙区东涌中学", "东部→西部", "挂职干部", "2023-03-01"]])
    result = import_file(f, user=None)
    assert result.committed and result.created == 2, result.errors
    for person in Person.objects.all():
        assert [h.history_type for h in person.history.all()] == ["+"]
        assert person.dispatches.count() == 1
    again = import_file(f)
    assert (again.created, again.unchanged) == (0, 2) and Person.objects.count() == 2
