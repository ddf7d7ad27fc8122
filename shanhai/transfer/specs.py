"""Every import type in one declarative place: columns, natural keys, and how a row becomes a record.

A `TypeSpec` lists its columns (`Col`, most derived from the model field so the header, length,
choices and required-ness come from the model), its natural key (the model fields by which a
row finds the record it updates: re-importing a file creates nothing new), and a small `build`
function turning the parsed row into model field values (resolving names to rows). Templates, the
column explanation sheet, the README table, the engine and the API all read from here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import models

from shanhai.activities.models import Activity, Training
from shanhai.core.errors import ShanhaiError
from shanhai.core.fields import Domain
from shanhai.core.privacy import keyed_hash, normalise_id_number
from shanhai.economy.models import IndustrialPark, Investment, Placement, Sale, Workshop
from shanhai.network.models import Agreement, Organisation, Pairing, PairingKind, Programme
from shanhai.people.models import Direction, Dispatch, Mentorship, Person, Team
from shanhai.people.services import person_set_identity
from shanhai.projects.models import Donation, FundAllocation, Project
from shanhai.regions.models import Region
from shanhai.transfer.resolve import RefError, Resolver, new_instance

# ---- columns ----------------------------------------------------------------------------------

KINDS = {"text", "int", "money", "decimal", "percent", "date", "year", "month", "bool", "choice", "domains"}
_UNIT_IN_HEADER = re.compile(r"[（(]([^（）()]*)[）)]$")


@dataclass(frozen=True)
class Col:
    """One column of a sheet.

    `name` is the key in the parsed row: a model field, or a name a builder resolves (东部地区).
    """

    name: str
    header: str
    kind: str = "text"
    required: bool = False
    aliases: tuple[str, ...] = ()
    help: str = ""
    example: str = ""
    max_length: int | None = None
    choices: tuple[tuple[str, str], ...] = ()
    choice_aliases: tuple[tuple[str, str], ...] = ()
    secret: bool = False  # identity numbers, phones: never echoed back in an error report
    required_unless: str = ""  # optional when this other column is present (结对编号)
    default: Any = None  # what a blank cell means (the model field's default)

    @property
    def blank_value(self) -> Any:
        if self.default is not None:
            return self.default
        if self.kind == "domains":
            return []
        return "" if self.kind in ("text", "choice") else None

    def __post_init__(self) -> None:
        assert self.kind in KINDS, self.kind

    @property
    def base_header(self) -> str:
        return _UNIT_IN_HEADER.sub("", self.header)

    def format_help(self) -> str:
        """The format column of the explanation sheet."""
        if self.kind == "choice":
            return "可选：" + "、".join(label for _, label in self.choices)
        if self.kind == "domains":
            return "可多选，用顿号分隔：" + "、".join(str(label) for label in Domain.labels)
        return {
            "text": f"文字{f'，不超过{self.max_length}字' if self.max_length else ''}",
            "int": "整数，可带单位或千分位（如1,526人）",
            "money": "金额，整数元；可写305.65万、3.89亿，或在列名中注明（万元）",
            "decimal": "数字",
            "percent": "百分数，如85.3%",
            "date": "日期，如2023-10-26或2023年10月26日",
            "year": "四位年份，如2023",
            "month": "1到12",
            "bool": "是 / 否",
        }[self.kind]


def col(model: type[models.Model], name: str, **overrides: Any) -> Col:
    """A column derived from a model field: header, length, choices and required-ness from the model."""
    f = model._meta.get_field(name)
    kind = _field_kind(f)
    has_default = f.has_default() or getattr(f, "null", False) or getattr(f, "blank", False)
    values: dict[str, Any] = {
        "name": name,
        "header": str(f.verbose_name),
        "kind": kind,
        "required": not has_default,
        "help": str(f.help_text or ""),
        "max_length": getattr(f, "max_length", None) if kind == "text" else None,
        "choices": tuple((str(v), str(label)) for v, label in f.choices) if f.choices else (),
        "default": None if getattr(f, "null", False) or not f.has_default() else f.get_default(),
    }
    values.update(overrides)
    return Col(**values)


def _field_kind(f: models.Field) -> str:
    if f.choices:
        return "choice"
    if f.name == "year":
        return "year"
    if f.name == "month":
        return "month"
    if f.get_internal_type() == "JSONField":
        return "domains"
    if isinstance(f, models.BooleanField):
        return "bool"
    if isinstance(f, models.BigIntegerField) and "元" in str(f.help_text or ""):
        return "money"
    if isinstance(f, models.IntegerField):
        return "int"
    if isinstance(f, models.DecimalField):
        return "decimal"
    if isinstance(f, models.DateField):
        return "date"
    return "text"


# ---- parsed rows ------------------------------------------------------------------------------

class RowValues:
    """The parsed cells of one data row (only the columns the file has) and the errors found so far."""

    __slots__ = ("_where", "errors", "values")

    def __init__(self, values: dict[str, Any], where: tuple[str, str, int] | None = None) -> None:
        self.values = values
        self.errors: list[tuple[str, str]] = []
        self._where = where  # (file, sheet, row): formatted only when a builder asks

    @property
    def where(self) -> str:
        """"file · 工作表“…” · 第N行": the source of a reported figure."""
        if self._where is None:
            return ""
        filename, sheet, number = self._where
        return f"{filename} · 工作表“{sheet}” · 第{number}行"

    def has(self, name: str) -> bool:
        return name in self.values

    def get(self, name: str, default: Any = None) -> Any:
        value = self.values.get(name, default)
        return default if value is None else value

    def text(self, name: str) -> str:
        return str(self.values.get(name) or "")

    def error(self, column: str, reason: str) -> None:
        self.errors.append((column, reason))

    def put(self, out: dict[str, Any], *names: str) -> None:
        """Copy the named values the file has into the field values `out`."""
        for name in names:
            if name in self.values:
                out[name] = self.values[name]


Builder = Callable[[RowValues, Resolver], dict[str, Any]]


@dataclass(frozen=True)
class TypeSpec:
    key: str
    label: str
    model: type[models.Model]
    columns: tuple[Col, ...]
    natural_key: tuple[str, ...]
    natural_key_doc: str
    build: Builder
    fast: bool = False  # placements and sales: vectorised validation and set-based writes
    plain_fields: tuple[str, ...] = ()  # fast types: fields copied from their columns as parsed
    pairing_field: str | None = "pairing"
    year_field: str | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)
    # Reads ahead what a batch of parsed rows will look up one by one (people), so a row costs no query.
    prefetch: Callable[[list[RowValues], Resolver], None] | None = None
    m2m: tuple[str, ...] = ()  # many-to-many fields the builder gives as lists (set after the record is written)
    people: tuple[str, ...] = ()  # foreign keys to people the builder may create (written before the records)

    def column(self, name: str) -> Col:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    @property
    def required(self) -> list[Col]:
        return [c for c in self.columns if c.required]


# ---- the pairing reference shared by every record type --------------------------------------

def pairing_ref_columns(*, required: bool = True) -> tuple[Col, ...]:
    kinds = tuple((str(v), str(label)) for v, label in PairingKind.choices)
    return (
        Col("pairing_no", "结对编号", "int", aliases=("结对ID", "结对关系编号"),
            help="平台中结对关系的编号；填写后可不填以下结对各列", example=""),
        Col("programme", "协作项目", max_length=128, aliases=("帮扶项目名称", "协作计划"),
            help="同一对地区在多个协作项目中结对时须填写", example="东西部协作（2021—2025年）"),
        Col("pairing_kind", "结对类型", "choice", choices=kinds, help="县级以下结对须填写", example="县（区、旗）结对",
            choice_aliases=(("县级结对", PairingKind.COUNTY), ("学校", PairingKind.SCHOOL), ("医院", PairingKind.HOSPITAL))),
        Col("east_region", "东部地区", max_length=64, required=required, required_unless="pairing_no",
            aliases=("支援方", "支援地区", "东部（支援方）地区", "帮扶方", "东部"),
            help="区划全称、简称或曾用名均可，如广州市南沙区", example="广州市南沙区"),
        Col("west_region", "西部地区", max_length=64, required=required, required_unless="pairing_no",
            aliases=("受援方", "受援地区", "西部（受援方）地区", "被帮扶方", "西部"),
            help="区划全称、简称或曾用名均可，如紫云自治县", example="紫云自治县"),
        Col("east_org", "东部单位", max_length=128, aliases=("支援单位", "东部学校", "东部医院", "帮扶单位"),
            help="学校、医院、企业等单位结对时填写"),
        Col("west_org", "西部单位", max_length=128, aliases=("受援单位", "西部学校", "西部医院", "受帮扶单位")),
        Col("east_place", "东部乡镇/村", max_length=64, aliases=("东部乡镇", "东部村"), help="乡镇、村结对时填写"),
        Col("west_place", "西部乡镇/村", max_length=64, aliases=("西部乡镇", "西部村")),
    )


PAIRING_COLUMNS = pairing_ref_columns()
PAIRING_NAMES = tuple(c.name for c in PAIRING_COLUMNS)


def resolve_pairing_ref(row: RowValues, r: Resolver) -> Pairing | None:
    """The pairing a record row names, by 结对编号 or by its regions/units/places; None with errors."""
    try:
        if row.get("pairing_no") is not None:
            return r.pairing_by_id(int(row.get("pairing_no")), "pairing_no")
        east = r.region(row.text("east_region"), "east_region", "东部地区") if row.text("east_region") else None
        west = r.region(row.text("west_region"), "west_region", "西部地区") if row.text("west_region") else None
        programme = r.programme(row.text("programme"), "programme") if row.text("programme") else None
    except RefError as e:
        row.error(e.column, e.reason)
        return None
    if east is None or west is None:
        for name in ("east_region", "west_region"):
            if not row.text(name):
                row.error(name, f"「{'东部地区' if name == 'east_region' else '西部地区'}」为必填项（或填写「结对编号」）。")
        return None
    try:
        return r.pairing(
            east=east, west=west, programme=programme, kind=row.get("pairing_kind") or None,
            east_org=row.text("east_org"), west_org=row.text("west_org"),
            east_place=row.text("east_place"), west_place=row.text("west_place"), column="east_region",
        )
    except RefError as e:
        row.error(e.column, e.reason)
        return None


def cached_pairing_ref(row: RowValues, r: Resolver) -> Pairing | None:
    """`resolve_pairing_ref`, remembered per spelling of the pairing columns (a sheet repeats them)."""
    key = tuple(map(row.values.get, PAIRING_NAMES))
    try:
        pairing, errors = r.row_cache[key]
    except KeyError:
        before = len(row.errors)
        pairing = resolve_pairing_ref(row, r)
        errors = row.errors[before:]
        r.row_cache[key] = (pairing, list(errors))
        return pairing
    except TypeError:  # an unhashable value
        return resolve_pairing_ref(row, r)
    row.errors.extend(errors)
    return pairing


def prefetch_pairing_refs(rows: list[RowValues], r: Resolver) -> None:
    """Read ahead the pairings a batch of record rows names by regions, units and places: the pairings
    between all their region pairs in one query, then the named ones in another, instead of two
    queries per pairing. `resolve_pairing_ref` then finds them read; errors are still its to report."""
    named: dict[tuple[Any, ...], tuple[Region, Region, Programme | None, RowValues]] = {}
    for row in rows:
        if row.get("pairing_no") is not None or not row.text("east_region") or not row.text("west_region"):
            continue
        key = tuple(map(row.values.get, PAIRING_NAMES))
        try:
            if key in named or key in r.row_cache:
                continue
        except TypeError:  # an unhashable value: resolved on its own
            continue
        try:  # the same calls, columns and labels as resolve_pairing_ref (their results are cached)
            east = r.region(row.text("east_region"), "east_region", "东部地区")
            west = r.region(row.text("west_region"), "west_region", "西部地区")
            programme = r.programme(row.text("programme"), "programme") if row.text("programme") else None
        except RefError:
            continue
        named[key] = (east, west, programme, row)
    if not named:
        return
    r.between_prefetch({(east.pk, west.pk) for east, west, _, _ in named.values()})
    ids: set[int] = set()
    for east, west, programme, row in named.values():
        found = r.pairing_ids(east=east, west=west, programme=programme, kind=row.get("pairing_kind") or None,
                              east_org=row.text("east_org"), west_org=row.text("west_org"),
                              east_place=row.text("east_place"), west_place=row.text("west_place"))
        if len(found) == 1:
            ids.update(found)
    r.pairings_prefetch(ids)


def _with_pairing(build: Callable[[RowValues, Resolver, Pairing], dict[str, Any]]) -> Builder:
    def wrapped(row: RowValues, r: Resolver) -> dict[str, Any]:
        pairing = cached_pairing_ref(row, r)
        if pairing is None:
            return {}
        out = build(row, r, pairing)
        out["pairing"] = pairing
        return out

    return wrapped


def _ref(row: RowValues, fn: Callable[[], Any]) -> Any:
    try:
        return fn()
    except RefError as e:
        row.error(e.column, e.reason)
        return None


def _prefetch_orgs(*columns: str) -> Callable[[list[RowValues], Resolver], None]:
    """The organisations a batch of rows names in these columns, read in one query."""
    def prefetch(rows: list[RowValues], r: Resolver) -> None:
        r.orgs_prefetch([row.text(c) for row in rows for c in columns if row.text(c)])

    return prefetch


# ---- organisations ----------------------------------------------------------------------------

def _build_organisation(row: RowValues, r: Resolver) -> dict[str, Any]:
    out: dict[str, Any] = {}
    row.put(out, "name", "kind")
    region = _ref(row, lambda: r.region(row.text("region"), "region", "所在地区"))
    if region is not None:
        if not r.may_write_region(region):
            row.error("region", f"「所在地区」{region.name}不在您的数据范围内。")
        out["region"] = region
    return out


ORGANISATION = TypeSpec(
    key="organisation", label="单位", model=Organisation,
    columns=(
        col(Organisation, "name", header="单位名称", aliases=("名称", "学校名称", "医院名称", "企业名称"),
            example="广州市南沙区东涌中学"),
        col(Organisation, "kind", example="高级中学", aliases=("单位类别", "类型"),
            choice_aliases=(("学校", "secondary"), ("公司", "enterprise"))),
        Col("region", "所在地区", required=True, max_length=64, aliases=("地区", "所在县（区）"),
            help="区划全称、简称或曾用名均可", example="广州市南沙区"),
    ),
    natural_key=("name", "region"), natural_key_doc="单位名称 + 所在地区",
    build=_build_organisation, pairing_field=None,
)


# ---- pairings ---------------------------------------------------------------------------------

def _build_pairing(row: RowValues, r: Resolver) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": row.get("pairing_kind")}
    row.put(out, "start_date", "end_date", "status", "domains")
    out["east_place"] = row.text("east_place").strip()
    out["west_place"] = row.text("west_place").strip()
    programme = _ref(row, lambda: r.programme(row.text("programme"), "programme"))
    east = _ref(row, lambda: r.region(row.text("east_region"), "east_region", "东部地区"))
    west = _ref(row, lambda: r.region(row.text("west_region"), "west_region", "西部地区"))
    out.update(programme=programme, east_region=east, west_region=west)
    for side, region, label in (("east", east, "东部单位"), ("west", west, "西部单位")):
        name = row.text(f"{side}_org")
        if name and region is not None:
            out[f"{side}_org"] = _ref(row, lambda n=name, g=region, s=side, lb=label: r.org(n, f"{s}_org", lb, within=g))
        elif not name:
            out[f"{side}_org"] = None
    return out


PAIRING = TypeSpec(
    key="pairing", label="结对关系", model=Pairing,
    columns=(
        Col("programme", "协作项目", required=True, max_length=128, example="东西部协作（2021—2025年）"),
        Col("pairing_kind", "结对类型", "choice", required=True,
            choices=tuple((str(v), str(label)) for v, label in PairingKind.choices), example="学校结对",
            choice_aliases=(("县级结对", PairingKind.COUNTY), ("学校", PairingKind.SCHOOL), ("医院", PairingKind.HOSPITAL))),
        *(c for c in PAIRING_COLUMNS if c.name in ("east_region", "west_region", "east_org", "west_org",
                                                 "east_place", "west_place")),
        col(Pairing, "start_date", example="2021-01-01"),
        col(Pairing, "end_date", example="2025-12-31"),
        col(Pairing, "status", example="进行中"),
        col(Pairing, "domains", example="教育、医疗卫生"),
    ),
    natural_key=("programme", "kind", "east_region", "west_region", "east_org", "west_org", "east_place", "west_place"),
    natural_key_doc="协作项目 + 结对类型 + 东部地区 + 西部地区 + 东部单位 + 西部单位 + 东部乡镇/村 + 西部乡镇/村",
    build=_build_pairing, pairing_field="", prefetch=_prefetch_orgs("east_org", "west_org"),
    notes=("「上级结对」自动确定：同一协作项目中同时包含双方地区的最近一级省、市、县结对；同一文件中先导入的上级结对也算。",),
)


# ---- people and dispatches --------------------------------------------------------------------

PERSON_COLUMNS = (
    col(Person, "name", header="姓名", example="李明"),
    col(Person, "gender", example="男"),
    Col("id_number", "身份证号", max_length=32, secret=True, aliases=("身份证号码", "公民身份号码"),
        help="仅保存加密摘要与脱敏号码，用于识别同一人员", example="110101199003074514"),
    Col("phone", "手机号", max_length=20, secret=True, aliases=("联系电话", "手机号码"), help="仅保存加密摘要与脱敏号码"),
    Col("person_org", "工作单位", max_length=128, aliases=("派出单位", "原单位"),
        help="派出方地区内的单位；未填身份证号时与姓名一起识别人员", example="广州市南沙区东涌中学"),
    col(Person, "title", example="副校长", aliases=("职务", "职称")),
)


def _build_dispatch(row: RowValues, r: Resolver, pairing: Pairing) -> dict[str, Any]:
    out: dict[str, Any] = {}
    row.put(out, "direction", "category", "profession", "post", "planned_start", "planned_end", "actual_start",
            "actual_end")
    direction = row.get("direction")
    sending = pairing.east_region if direction == Direction.E2W else pairing.west_region
    receiving = pairing.west_region if direction == Direction.E2W else pairing.east_region
    if row.text("host"):
        out["host"] = _ref(row, lambda: r.org(row.text("host"), "host", "接收单位", within=receiving))
    elif row.has("host"):
        out["host"] = None
    org = None
    if row.text("person_org"):
        org = _ref(row, lambda: r.org(row.text("person_org"), "person_org", "工作单位", within=sending))
    person = new_instance(Person, name=row.text("name").strip(), gender=row.get("gender") or "", organisation=org,
                          title=row.text("title"), profession=row.get("profession") or "other")
    try:
        person_set_identity(person, id_number=row.text("id_number") or None, phone=row.text("phone") or None)
    except ShanhaiError as e:
        row.error(e.field or "id_number", e.message)
    if not person.id_number_hash and org is None and not row.errors:
        row.error("name", "无法识别人员：请填写「身份证号」，或填写「工作单位」与姓名一起识别。")
    if not row.errors:
        out["person"] = _ref(row, lambda: r.person(person))
    return out


def _prefetch_people(rows: list[RowValues], r: Resolver) -> None:
    """The stored people a batch of dispatch rows names, by identity number or (without one) by name."""
    hashes, names = [], []
    for row in rows:
        if row.text("id_number"):
            try:
                hashes.append(keyed_hash("id", normalise_id_number(row.text("id_number"))))
            except ShanhaiError:
                continue  # the row's builder reports it
        else:
            names.append(row.text("name").strip())
    r.people_prefetch(hashes, names)
    r.orgs_prefetch([row.text(c) for row in rows for c in ("host", "person_org") if row.text(c)])


DISPATCH = TypeSpec(
    key="dispatch", label="选派（挂职干部、专业技术人才）", model=Dispatch,
    columns=(
        *PAIRING_COLUMNS, *PERSON_COLUMNS,
        col(Dispatch, "direction", example="东部→西部", choice_aliases=(("东→西", "e2w"), ("西→东", "w2e"),
                                                                          ("东部到西部", "e2w"), ("西部到东部", "w2e"))),
        col(Dispatch, "category", example="专业技术人才"),
        col(Dispatch, "profession", example="教师"),
        Col("host", "接收单位", max_length=128, aliases=("挂职单位", "支教学校", "受援单位"),
            help="接收方地区内的单位", example=""),
        col(Dispatch, "post", example="挂职副校长", aliases=("岗位", "挂职岗位")),
        col(Dispatch, "planned_start", example="2023-03-01", aliases=("开始日期", "派出日期")),
        col(Dispatch, "planned_end", example="2024-02-28", aliases=("结束日期",)),
        col(Dispatch, "actual_start", example=""),
        col(Dispatch, "actual_end", example=""),
    ),
    natural_key=("person", "pairing", "planned_start"),
    natural_key_doc="人员（身份证号；未填时为姓名 + 工作单位）+ 结对关系 + 计划开始日期",
    build=_with_pairing(_build_dispatch), year_field="planned_start", prefetch=_prefetch_people,
    notes=("人员按身份证号识别（只保存加密摘要）；未填身份证号时按姓名与工作单位识别，找不到则新建人员。",),
)


# ---- activities, trainings --------------------------------------------------------------------

def _plain(*names: str) -> Callable[[RowValues, Resolver, Pairing], dict[str, Any]]:
    def build(row: RowValues, r: Resolver, pairing: Pairing) -> dict[str, Any]:
        out: dict[str, Any] = {}
        row.put(out, *names)
        return out

    return build


TRAINING = TypeSpec(
    key="training", label="培训", model=Training,
    columns=(
        *PAIRING_COLUMNS,
        col(Training, "category", example="专业技术人才培训"),
        col(Training, "title", example="紫云自治县骨干教师能力提升培训班", aliases=("培训班名称", "名称")),
        col(Training, "start_date", example="2023-05-08"),
        col(Training, "end_date", example="2023-05-12"),
        col(Training, "sessions", example="1", aliases=("培训期数",)),
        col(Training, "participants", example="40", aliases=("培训人数", "人次")),
        col(Training, "online", example="否"),
    ),
    natural_key=("pairing", "category", "title", "start_date"),
    natural_key_doc="结对关系 + 培训类别 + 培训名称 + 开始日期",
    build=_with_pairing(_plain("category", "title", "start_date", "end_date", "sessions", "participants", "online")),
    year_field="start_date",
)

ACTIVITY = TypeSpec(
    key="activity", label="交流活动", model=Activity,
    columns=(
        *PAIRING_COLUMNS,
        col(Activity, "kind", example="调研对接"),
        col(Activity, "title", example="南沙区党政代表团赴紫云调研对接", aliases=("名称",)),
        col(Activity, "date", example="2023-04-01", aliases=("活动日期",)),
        col(Activity, "participants", example="12"),
        col(Activity, "online", example="否"),
    ),
    natural_key=("pairing", "kind", "title", "date"),
    natural_key_doc="结对关系 + 活动类型 + 活动名称 + 日期",
    build=_with_pairing(_plain("kind", "title", "date", "participants", "online")),
    year_field="date",
)


# ---- projects, funds, donations ---------------------------------------------------------------

def _build_project(row: RowValues, r: Resolver, pairing: Pairing) -> dict[str, Any]:
    out: dict[str, Any] = {}
    row.put(out, "name", "kind", "sector", "status", "budget", "start_date", "end_date", "new_seats",
            "beneficiaries", "outputs")
    if row.text("location"):
        out["location"] = _ref(row, lambda: r.region(row.text("location"), "location", "实施地点",
                                                     within=pairing.west_region))
    else:
        out["location"] = pairing.west_region
    return out


PROJECT = TypeSpec(
    key="project", label="帮扶项目", model=Project,
    columns=(
        *PAIRING_COLUMNS,
        col(Project, "name", example="紫云自治县第二幼儿园建设项目"),
        col(Project, "kind", example="幼儿园"),
        col(Project, "sector", example="教育"),
        col(Project, "location", required=False, max_length=64, kind="text",
            help="受援地区内的区划；不填则为结对的西部地区", example="紫云自治县"),
        col(Project, "status", example="在建"),
        col(Project, "budget", example="305.65万"),
        col(Project, "start_date", example="2023-03-01"),
        col(Project, "end_date", example=""),
        col(Project, "new_seats", example="360"),
        col(Project, "beneficiaries", example="0"),
        col(Project, "outputs", example="新建教学楼一栋"),
    ),
    natural_key=("pairing", "name"), natural_key_doc="结对关系 + 项目名称",
    build=_with_pairing(_build_project), year_field="start_date",
)


def _build_fund(row: RowValues, r: Resolver, pairing: Pairing) -> dict[str, Any]:
    out: dict[str, Any] = {}
    row.put(out, "year", "source", "sector", "allocated", "disbursed")
    project = None
    if row.text("project"):
        project = _ref(row, lambda: r.project(row.text("project"), pairing, "project"))
    if row.has("project") or project is not None:
        out["project"] = project
    if project is not None and not out.get("sector"):
        out["sector"] = project.sector  # as FundAllocation.clean does, before the key is taken
    out.setdefault("sector", "")
    out.setdefault("project", None)
    return out


FUND = TypeSpec(
    key="fund", label="资金安排", model=FundAllocation,
    columns=(
        *PAIRING_COLUMNS,
        Col("project", "帮扶项目", max_length=200, aliases=("项目名称",), help="该结对下已有的帮扶项目名称；可不填"),
        col(FundAllocation, "year", example="2023"),
        col(FundAllocation, "source", example="财政援助资金"),
        col(FundAllocation, "sector", example="教育"),
        col(FundAllocation, "allocated", example="500万"),
        col(FundAllocation, "disbursed", example="300万", aliases=("已拨付资金", "拨付资金")),
    ),
    natural_key=("pairing", "year", "source", "project", "sector"),
    natural_key_doc="结对关系 + 年度 + 资金来源 + 帮扶项目 + 行业领域",
    build=_with_pairing(_build_fund), year_field="year",
)

DONATION = TypeSpec(
    key="donation", label="捐赠", model=Donation,
    columns=(
        *PAIRING_COLUMNS,
        col(Donation, "donor", example="南沙区慈善会"),
        col(Donation, "recipient", example="紫云自治县教育局"),
        col(Donation, "kind", example="资金"),
        col(Donation, "sector", example="教育"),
        col(Donation, "value", example="10万元"),
        col(Donation, "quantity", example="0"),
        col(Donation, "date", example="2023-06-01"),
        col(Donation, "purpose", example="助学"),
    ),
    natural_key=("pairing", "donor", "recipient", "kind", "date"),
    natural_key_doc="结对关系 + 捐赠方 + 受赠方 + 捐赠类型 + 捐赠日期",
    build=_with_pairing(_plain("donor", "recipient", "kind", "sector", "value", "quantity", "date", "purpose")),
    year_field="date",
)


# ---- economy ----------------------------------------------------------------------------------

def _build_investment(row: RowValues, r: Resolver, pairing: Pairing) -> dict[str, Any]:
    out: dict[str, Any] = {}
    row.put(out, "year", "amount", "rural_jobs")
    out["enterprise"] = _ref(row, lambda: r.org(row.text("enterprise"), "enterprise", "企业",
                                                within=(pairing.east_region, pairing.west_region)))
    if row.text("park"):
        out["park"] = _ref(row, lambda: r.park(row.text("park"), pairing, "park"))
    elif row.has("park"):
        out["park"] = None
    return out


INVESTMENT = TypeSpec(
    key="investment", label="企业投资", model=Investment,
    columns=(
        *PAIRING_COLUMNS,
        Col("enterprise", "企业", required=True, max_length=128, aliases=("企业名称", "投资企业"),
            help="结对双方地区内已登记的企业", example="广州南沙农业发展有限公司"),
        Col("park", "入驻园区", max_length=200, help="该结对下已有的产业园区名称；可不填"),
        col(Investment, "year", example="2023"),
        col(Investment, "amount", example="3.89亿"),
        col(Investment, "rural_jobs", example="172"),
    ),
    natural_key=("pairing", "enterprise", "year"), natural_key_doc="结对关系 + 企业 + 年度",
    build=_with_pairing(_build_investment), year_field="year", prefetch=_prefetch_orgs("enterprise"),
)


def _build_workshop(row: RowValues, r: Resolver, pairing: Pairing) -> dict[str, Any]:
    out: dict[str, Any] = {}
    row.put(out, "name", "established", "jobs", "at_relocation_site")
    if row.text("region"):
        out["region"] = _ref(row, lambda: r.region(row.text("region"), "region", "所在地区", within=pairing.west_region))
    else:
        out["region"] = pairing.west_region
    return out


WORKSHOP = TypeSpec(
    key="workshop", label="帮扶车间", model=Workshop,
    columns=(
        *PAIRING_COLUMNS,
        col(Workshop, "name", example="坝羊镇帮扶车间"),
        col(Workshop, "region", kind="text", required=False, max_length=64,
            help="受援地区内的区划；不填则为结对的西部地区", example="紫云自治县"),
        col(Workshop, "established", example="2022-07-01"),
        col(Workshop, "jobs", example="130"),
        col(Workshop, "at_relocation_site", example="是"),
    ),
    natural_key=("pairing", "name"), natural_key_doc="结对关系 + 车间名称",
    build=_with_pairing(_build_workshop), year_field="established",
)

_SALE_FIELDS = ("year", "month", "category", "channel", "supplier", "buyer", "amount")
_PLACEMENT_FIELDS = ("year", "month", "kind", "count", "newly_employed", "employer")

SALE = TypeSpec(
    key="sale", label="消费帮扶", model=Sale,
    columns=(
        *PAIRING_COLUMNS,
        col(Sale, "year", example="2023"),
        col(Sale, "month", example="6"),
        col(Sale, "category", example="农产品"),
        col(Sale, "channel", example="食堂采购"),
        col(Sale, "supplier", example="紫云自治县红芯薯业有限公司"),
        col(Sale, "buyer", example="南沙区机关食堂"),
        col(Sale, "amount", example="2万元", aliases=("销售额", "采购金额")),
    ),
    natural_key=("pairing", "year", "month", "category", "channel", "supplier", "buyer"),
    natural_key_doc="结对关系 + 年度 + 月份 + 产品类别 + 销售渠道 + 供货方 + 采购方",
    build=_with_pairing(_plain(*_SALE_FIELDS)), plain_fields=_SALE_FIELDS,
    fast=True, year_field="year",
)

PLACEMENT = TypeSpec(
    key="placement", label="劳务就业", model=Placement,
    columns=(
        *PAIRING_COLUMNS,
        col(Placement, "year", example="2023"),
        col(Placement, "month", example="6"),
        col(Placement, "kind", example="到东部就业", aliases=("去向",)),
        col(Placement, "count", example="5", aliases=("就业人数",)),
        col(Placement, "newly_employed", example="是"),
        col(Placement, "employer", example="广州某电子有限公司"),
    ),
    natural_key=("pairing", "year", "month", "kind", "newly_employed", "employer"),
    natural_key_doc="结对关系 + 年度 + 月份 + 就业去向 + 新增就业 + 就业单位",
    build=_with_pairing(_plain(*_PLACEMENT_FIELDS)), plain_fields=_PLACEMENT_FIELDS,
    fast=True, year_field="year",
    notes=("按汇总行导入（每行一个人数）；同一文件中自然键相同的两行会被拒绝，请合并人数。",),
)

# ---- parks, teams, mentorships, agreements, programmes ----------------------------------------

def _build_park(row: RowValues, r: Resolver, pairing: Pairing) -> dict[str, Any]:
    out: dict[str, Any] = {}
    row.put(out, "name", "established", "area_mu")
    if row.text("region"):
        out["region"] = _ref(row, lambda: r.region(row.text("region"), "region", "所在地区", within=pairing.west_region))
    else:
        out["region"] = pairing.west_region
    return out


PARK = TypeSpec(
    key="park", label="共建产业园区", model=IndustrialPark,
    columns=(
        *PAIRING_COLUMNS,
        col(IndustrialPark, "name", example="南沙—紫云产业园"),
        col(IndustrialPark, "region", kind="text", required=False, max_length=64,
            help="受援地区内的区划；不填则为结对的西部地区", example="紫云自治县"),
        col(IndustrialPark, "established", example="2021-06-01"),
        col(IndustrialPark, "area_mu", example="1200", aliases=("规划面积", "面积（亩）")),
    ),
    natural_key=("pairing", "name"), natural_key_doc="结对关系 + 园区名称",
    build=_with_pairing(_build_park), year_field="established",
)


def person_columns(prefix: str, label: str, *, required: bool, example: str = "") -> tuple[Col, ...]:
    """姓名 / 身份证号 / 工作单位 of one person a record names (师傅, 徒弟, 团队负责人)."""
    return (
        Col(f"{prefix}_name", f"{label}姓名", required=required, max_length=64, example=example),
        Col(f"{prefix}_id_number", f"{label}身份证号", max_length=32, secret=True,
            help="仅保存加密摘要与脱敏号码，用于识别同一人员"),
        Col(f"{prefix}_org", f"{label}工作单位", max_length=128,
            help="结对双方地区内的单位；未填身份证号时与姓名一起识别人员"),
    )


def _person_ref(row: RowValues, r: Resolver, pairing: Pairing, prefix: str, label: str) -> Person | None:
    """The person named by a row's {prefix}_name/_id_number/_org columns: found, or new (as a dispatch's)."""
    name = row.text(f"{prefix}_name").strip()
    if not name:
        return None
    org = None
    if row.text(f"{prefix}_org"):
        org = _ref(row, lambda: r.org(row.text(f"{prefix}_org"), f"{prefix}_org", f"{label}工作单位",
                                      within=(pairing.east_region, pairing.west_region)))
        if org is None:
            return None
    person = new_instance(Person, name=name, organisation=org)
    try:
        person_set_identity(person, id_number=row.text(f"{prefix}_id_number") or None)
    except ShanhaiError as e:
        row.error(f"{prefix}_id_number", e.message)
        return None
    if not person.id_number_hash and org is None:
        row.error(f"{prefix}_name", f"无法识别{label}：请填写「{label}身份证号」，或填写「{label}工作单位」与姓名一起识别。")
        return None
    columns = {"id_number": f"{prefix}_id_number", "name": f"{prefix}_name", "person_org": f"{prefix}_org",
               "phone": f"{prefix}_id_number"}
    try:
        return r.person(person)
    except RefError as e:
        row.error(columns.get(e.column, f"{prefix}_name"), e.reason)
        return None


def _prefetch_named_people(*prefixes: str) -> Callable[[list[RowValues], Resolver], None]:
    def prefetch(rows: list[RowValues], r: Resolver) -> None:
        hashes, names = [], []
        for row in rows:
            for prefix in prefixes:
                if row.text(f"{prefix}_id_number"):
                    try:
                        hashes.append(keyed_hash("id", normalise_id_number(row.text(f"{prefix}_id_number"))))
                    except ShanhaiError:
                        continue
                elif row.text(f"{prefix}_name"):
                    names.append(row.text(f"{prefix}_name").strip())
        r.people_prefetch(hashes, names)
        r.orgs_prefetch([row.text(f"{p}_org") for row in rows for p in prefixes if row.text(f"{p}_org")])

    return prefetch


def _build_team(row: RowValues, r: Resolver, pairing: Pairing) -> dict[str, Any]:
    out: dict[str, Any] = {}
    row.put(out, "name", "domain", "start_date", "end_date")
    out["host"] = _ref(row, lambda: r.org(row.text("host"), "host", "接收单位", within=pairing.west_region))
    if row.text("leader_name"):
        out["leader"] = _person_ref(row, r, pairing, "leader", "团队负责人")
    elif row.has("leader_name"):
        out["leader"] = None
    return out


TEAM = TypeSpec(
    key="team", label="组团式帮扶团队", model=Team,
    columns=(
        *PAIRING_COLUMNS,
        col(Team, "name", example="南沙区组团式帮扶紫云县人民医院医疗队"),
        col(Team, "domain", example="医疗卫生"),
        Col("host", "接收单位", required=True, max_length=128, aliases=("受援医院", "受援学校", "帮扶医院", "帮扶学校"),
            help="受援（西部）地区内已登记的单位（医院、学校等）", example="紫云自治县人民医院"),
        *person_columns("leader", "团队负责人", required=False, example="李明"),
        col(Team, "start_date", example="2023-03-01"),
        col(Team, "end_date", example=""),
    ),
    natural_key=("pairing", "name"), natural_key_doc="结对关系 + 团队名称",
    build=_with_pairing(_build_team), year_field="start_date", people=("leader",),
    prefetch=_prefetch_named_people("leader"),
    notes=("团队成员在后台“组团式帮扶团队”中维护；负责人按身份证号识别，未填时按姓名与工作单位识别，找不到则新建人员。",),
)


def _build_mentorship(row: RowValues, r: Resolver, pairing: Pairing) -> dict[str, Any]:
    out: dict[str, Any] = {}
    row.put(out, "domain", "start_date", "end_date")
    out["mentor"] = _person_ref(row, r, pairing, "mentor", "师傅")
    out["apprentice"] = _person_ref(row, r, pairing, "apprentice", "徒弟")
    if out["mentor"] is not None and out["mentor"] is out["apprentice"]:  # the constraint, for new people too
        row.error("apprentice_name", "「师傅」与「徒弟」不能是同一人。")
    return out


MENTORSHIP = TypeSpec(
    key="mentorship", label="师带徒", model=Mentorship,
    columns=(
        *PAIRING_COLUMNS,
        *person_columns("mentor", "师傅", required=True, example="李明"),
        *person_columns("apprentice", "徒弟", required=True, example="王芳"),
        col(Mentorship, "domain", example="教育"),
        col(Mentorship, "start_date", example="2023-03-01"),
        col(Mentorship, "end_date", example=""),
    ),
    natural_key=("pairing", "mentor", "apprentice", "start_date"),
    natural_key_doc="结对关系 + 师傅 + 徒弟 + 开始日期（人员按身份证号，未填时按姓名 + 工作单位）",
    build=_with_pairing(_build_mentorship), year_field="start_date", people=("mentor", "apprentice"),
    prefetch=_prefetch_named_people("mentor", "apprentice"),
    notes=("师傅、徒弟按身份证号识别（只保存加密摘要）；未填身份证号时按姓名与工作单位识别，找不到则新建人员。",),
)

AGREEMENT = TypeSpec(
    key="agreement", label="协议", model=Agreement,
    columns=(
        *PAIRING_COLUMNS,
        col(Agreement, "title", example="2023年南沙区—紫云自治县东西部协作协议"),
        col(Agreement, "signed_on", example="2023-03-01", aliases=("签署日期", "日期")),
        col(Agreement, "domains", example="教育、医疗卫生", required=False),
    ),
    natural_key=("pairing", "title"), natural_key_doc="结对关系 + 协议名称",
    build=_with_pairing(_plain("title", "signed_on", "domains")), year_field="signed_on",
    notes=("协议文件（扫描件）在后台“协议”中上传。",),
)

_PROVINCE_SPLIT = re.compile(r"[、，,；;/\s]+")


def _provinces(row: RowValues, r: Resolver, name: str, label: str) -> list[Any]:
    found = []
    for part in _PROVINCE_SPLIT.split(row.text(name).strip()):
        if not part:
            continue
        region = _ref(row, lambda p=part: r.region(p, name, label))
        if region is None:
            continue
        if region.level != "province":
            row.error(name, f"「{label}」中的“{part}”不是省级地区。")
            continue
        found.append(region)
    return found


def _build_programme(row: RowValues, r: Resolver) -> dict[str, Any]:
    out: dict[str, Any] = {}
    row.put(out, "name", "kind", "description", "start_year", "end_year")
    if "name" in out:
        out["name"] = out["name"].strip()
    for name, label in (("east_provinces", "东部省份"), ("west_provinces", "西部省份")):
        if row.has(name):
            out[name] = _provinces(row, r, name, label)
    return out


PROGRAMME = TypeSpec(
    key="programme", label="协作项目（计划）", model=Programme,
    columns=(
        col(Programme, "name", header="协作项目名称", aliases=("项目名称", "计划名称"), example="东西部协作（2021—2025年）"),
        col(Programme, "kind", header="协作项目类型", example="东西部协作"),
        col(Programme, "description", header="项目说明", aliases=("说明",), example=""),
        col(Programme, "start_year", example="2021"),
        col(Programme, "end_year", example="2025"),
        Col("east_provinces", "东部省份", max_length=500, aliases=("支援方省份",),
            help="用顿号分隔；留空表示不限", example="广东省"),
        Col("west_provinces", "西部省份", max_length=500, aliases=("受援方省份",),
            help="用顿号分隔；留空表示不限", example="贵州省"),
    ),
    natural_key=("name",), natural_key_doc="协作项目名称",
    build=_build_programme, pairing_field=None, m2m=("east_provinces", "west_provinces"),
    notes=("协作项目是参照数据：只有全国管理员可以导入。",),
)


# ---- reported indicator values ---------------------------------------------------------------

def _build_reported(row: RowValues, r: Resolver) -> dict[str, Any]:
    out: dict[str, Any] = {}
    row.put(out, "year", "since_year", "value", "qualifier", "baseline", "stated_rate")
    out["quarter"] = row.get("quarter") or 0
    out["month"] = row.get("month") or 0
    out["indicator"] = _ref(row, lambda: r.indicator(row.text("indicator"), "indicator"))
    if row.get("pairing_no") is not None or row.text("east_region") or row.text("west_region"):
        if row.text("region"):
            row.error("region", "「结对关系」与「地区」只能填写一项：按结对填写时请留空「地区」。")
        out["pairing"] = cached_pairing_ref(row, r)
        out["region"], out["side"] = None, ""
    elif row.text("region"):
        region = _ref(row, lambda: r.region(row.text("region"), "region", "地区"))
        if region is not None and not r.may_write_region(region):
            row.error("region", f"「地区」{region.name}不在您的数据范围内。")
        if not row.get("side"):
            row.error("side", "按地区填写时须填写「地区所在方」（东部或西部）。")
        out["pairing"], out["region"], out["side"] = None, region, row.get("side") or ""
    else:
        row.error("east_region", "请填写结对关系（东部地区、西部地区或结对编号），或填写「地区」与「地区所在方」。")
    out["source_kind"] = "sheet"
    out["source_ref"] = row.text("source_ref").strip() or "表格导入"
    out["evidence"] = row.where
    return out


def _reported_spec() -> TypeSpec | None:
    try:
        from shanhai.indicators.models import ReportedValue
    except ImportError:  # the importer works without the indicators app
        return None
    return TypeSpec(
        key="reported", label="上报指标数值", model=ReportedValue,
        columns=(
            Col("indicator", "指标", required=True, max_length=128, aliases=("指标代码", "指标名称"),
                help="指标目录中的代码或中文名称", example="train.talent.people"),
            *pairing_ref_columns(required=False),
            Col("region", "地区", max_length=64, help="不按结对、按地区上报时填写", example=""),
            col(ReportedValue, "side", example=""),
            col(ReportedValue, "year", example="2023"),
            col(ReportedValue, "quarter", kind="int", example="", help="0或不填表示全年"),
            col(ReportedValue, "month", kind="month", example="", help="0或不填表示不分月"),
            col(ReportedValue, "since_year", kind="year", example=""),
            col(ReportedValue, "value", example="1526", aliases=("数量", "完成数", "数据"),
                help="金额以元为单位（可写305.65万或在列名注明万元）；百分比如107.5"),
            col(ReportedValue, "qualifier", example="确数"),
            col(ReportedValue, "baseline", example=""),
            col(ReportedValue, "stated_rate", kind="decimal", example=""),
            col(ReportedValue, "source_ref", required=False, example="2023年东西部协作考核表",
                help="同一来源、同一指标和期间只保留一个数；不填为“表格导入”"),
        ),
        natural_key=("indicator", "pairing", "region", "side", "year", "quarter", "month", "source_kind", "source_ref"),
        natural_key_doc="指标 + 结对关系（或地区 + 地区所在方）+ 年度 + 季度 + 月份 + 来源",
        build=_build_reported, year_field="year",
        notes=("与 indicators.services.reported_value_upsert 的自然键相同；每个数值记下来源文件、工作表与行号。",),
    )


def _build_target(row: RowValues, r: Resolver) -> dict[str, Any]:
    out: dict[str, Any] = {}
    row.put(out, "year", "value", "note")
    out["indicator"] = _ref(row, lambda: r.indicator(row.text("indicator"), "indicator"))
    if row.get("pairing_no") is not None or row.text("east_region") or row.text("west_region"):
        if row.text("region"):
            row.error("region", "「结对关系」与「地区」只能填写一项：按结对填写时请留空「地区」。")
        out["pairing"] = cached_pairing_ref(row, r)
        out["region"], out["side"] = None, ""
    elif row.text("region"):
        region = _ref(row, lambda: r.region(row.text("region"), "region", "地区"))
        if region is not None and not r.may_write_region(region):
            row.error("region", f"「地区」{region.name}不在您的数据范围内。")
        if not row.get("side"):
            row.error("side", "按地区填写时须填写「地区所在方」（东部或西部）。")
        out["pairing"], out["region"], out["side"] = None, region, row.get("side") or ""
    else:
        row.error("east_region", "请填写结对关系（东部地区、西部地区或结对编号），或填写「地区」与「地区所在方」。")
    return out


def _target_spec() -> TypeSpec | None:
    """The yearly agreement's targets (年度协议目标任务): the plan page's grid as a sheet, one row per indicator."""
    try:
        from shanhai.indicators.models import Target
    except ImportError:  # the importer works without the indicators app
        return None
    return TypeSpec(
        key="target", label="年度目标任务", model=Target,
        columns=(
            Col("indicator", "指标", required=True, max_length=128, aliases=("指标代码", "指标名称", "目标任务"),
                help="指标目录中的代码或中文名称", example="labor.employed"),
            *pairing_ref_columns(required=False),
            Col("region", "地区", max_length=64, help="不按结对、按地区设定目标时填写", example=""),
            col(Target, "side", example=""),
            col(Target, "year", example="2023"),
            col(Target, "value", example="4500", aliases=("目标", "目标数", "年度目标"),
                help="金额以元为单位（可写1800万或在列名注明万元）"),
            col(Target, "note", example=""),
        ),
        natural_key=("indicator", "pairing", "region", "side", "year"),
        natural_key_doc="指标 + 结对关系（或地区 + 地区所在方）+ 年度",
        build=_build_target, year_field="year",
        notes=("与计划页面（/work/…/plan/）的目标表相同；协议目标经审定锁定后不能再导入修改。",),
    )


TYPES: dict[str, TypeSpec] = {
    spec.key: spec
    for spec in (ORGANISATION, PAIRING, DISPATCH, TRAINING, ACTIVITY, PROJECT, FUND, DONATION, INVESTMENT,
                 SALE, WORKSHOP, PLACEMENT, PARK, TEAM, MENTORSHIP, AGREEMENT, PROGRAMME)
}
_REPORTED = _reported_spec()
if _REPORTED is not None:
    TYPES[_REPORTED.key] = _REPORTED
_TARGET = _target_spec()
if _TARGET is not None:
    TYPES[_TARGET.key] = _TARGET


def register(spec: TypeSpec) -> None:
    """Add a type defined elsewhere (reported indicator values) to the registry."""
    TYPES[spec.key] = spec


def get_spec(key: str) -> TypeSpec:
    try:
        return TYPES[key]
    except KeyError:
        names = "、".join(f"{k}（{s.label}）" for k, s in TYPES.items())
        raise ShanhaiError(f"不认识的导入类型“{key}”；可选：{names}。", field="type") from None

