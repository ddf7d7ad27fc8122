"""Every write of the assessment, in one place; each goes through `accounts.writes` (role, scope, history).

Who does what:

- the **national office** edits schemes (reference data), copies them to the next year, opens an
  assessment (the scheme is frozen and every county pairing's draft is computed) and publishes results;
  a province office adds its own items to a draft scheme for its province (`Item.province`);
- **reviewers** (`assessment.review_assessment`: 市州, 省级, 全国) of a unit — a region scope strictly
  above the assessed side's region, or the national office — score qualitative items, adjust a computed
  item with a written reason, decide objections and finalise;
- the **assessed unit** (a region scope within the assessed side's region) writes its self-evaluation
  and may object once per item, with evidence.

A draft is computed from approved (locked) reports only: a figure whose report is not yet approved, or
that the paired side disputes, is marked on its item and blocks finalising; so do unscored qualitative
items and undecided objections.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from shanhai.accounts.writes import (
    AnyUser,
    WriteGuard,
    WriteRefused,
    guarded_delete,
    guarded_save,
    is_national,
)
from shanhai.assessment import rules
from shanhai.assessment.inputs import Figures, figures_for, locked
from shanhai.assessment.models import (
    Assessment,
    AssessmentState,
    CapRule,
    GradeBand,
    Item,
    ItemKind,
    Objection,
    ObjectionState,
    Scheme,
    SchemeState,
    Score,
    Subject,
)
from shanhai.core.errors import ShanhaiError
from shanhai.indicators.rules import RULES
from shanhai.network.models import Pairing, PairingKind, Programme
from shanhai.regions.models import Region
from shanhai.workflow.grid import form_ref
from shanhai.workflow.models import Period
from shanhai.workflow.services import period_for

SIDE_ZH = {"east": "东部", "west": "西部"}


# ---- who ------------------------------------------------------------------------------------------------

def subject_regions(subject: str, pairing: Pairing) -> list[Region]:
    """The assessed side's region (both for a pair)."""
    if subject == Subject.EAST:
        return [pairing.east_region]
    if subject == Subject.WEST:
        return [pairing.west_region]
    return [pairing.west_region, pairing.east_region]


def unit_label(subject: str, pairing: Pairing) -> str:
    if subject == Subject.PAIR:
        return f"{pairing.east_region.name}→{pairing.west_region.name}"
    return subject_regions(subject, pairing)[0].name


def _region_scopes(user: AnyUser) -> list[Region]:
    if user is None or not user.is_authenticated:
        return []
    return [s.region for s in user.scopes.select_related("region") if s.region_id]  # type: ignore[union-attr]


def review_refusal(user: AnyUser, a: Assessment) -> str | None:
    """None when `user` may review (score, adjust, decide, finalise) `a`; otherwise why not, in Chinese."""
    if user is None or is_national(user):
        return None
    unit = unit_label(a.scheme.subject, a.pairing)
    if not user.is_active:
        return "账号已停用。"
    if not user.has_perm("assessment.review_assessment"):
        return f"您没有评审考核的权限，不能评审“{unit}”的考核。"
    scopes = _region_scopes(user)
    if any(r.path.startswith(s.path) and r.path != s.path for r in subject_regions(a.scheme.subject, a.pairing)
           for s in scopes):
        return None
    return (f"您不能评审“{unit}”的考核：它不在您的评审范围内（评审由被考核单位的上级市州、省级协作部门或"
            "全国管理员进行）。")


def reviewer_level(user: AnyUser) -> str:
    if user is None:
        return "系统"
    if is_national(user):
        return "全国"
    levels = {r.level for r in _region_scopes(user)}
    return "省级" if "province" in levels else "市州" if "prefecture" in levels else "县级"


def unit_refusal(user: AnyUser, a: Assessment) -> str | None:
    """None when `user` speaks for the assessed unit (self-evaluation, objections)."""
    if user is None:
        return None
    unit = unit_label(a.scheme.subject, a.pairing)
    if not user.is_authenticated or not user.is_active:
        return "请先登录。"
    if WriteGuard(user).role_error(Assessment, "change"):
        return "您没有填写自评或提出异议的权限。"
    scopes = _region_scopes(user)
    if any(s.path.startswith(r.path) for r in subject_regions(a.scheme.subject, a.pairing) for s in scopes):
        return None
    return f"只有被考核单位“{unit}”的人员可以填写自评或提出异议。"


def _review(user: AnyUser, a: Assessment) -> None:
    refused = review_refusal(user, a)
    if refused:
        raise WriteRefused(refused)


def _draft(a: Assessment) -> None:
    if a.state != AssessmentState.DRAFT:
        raise ShanhaiError(f"“{a.pairing}”的考核{a.get_state_display()}，不能再修改。", code="conflict")


# ---- schemes ----------------------------------------------------------------------------------------------

def _editable(scheme: Scheme) -> None:
    if scheme.frozen:
        raise ShanhaiError(f"{scheme}已冻结（考核已开启），不能修改；可复制到下一年度后修改。", code="conflict")


def province_scopes(user: AnyUser) -> list[Region]:
    """The provinces whose office `user` is (a province-level scope): they may add items for that province."""
    return [r for r in _region_scopes(user) if r.level == "province"]


def _item_refusal(user: AnyUser, item: Item) -> str | None:
    """The national items are the national office's; a province office adds and changes only its own
    province's items (`Item.province`), within the national scheme. A city or county office neither."""
    if user is None or is_national(user):
        return None
    if item.province_id is None:
        return "全国统一的考核项目只能由全国管理员修改；省级协作部门可在全国方案内增设本省项目。"
    if not any(r.pk == item.province_id for r in province_scopes(user)):
        return f"只有{item.province.name}协作部门可以增设或修改该省的考核项目。"  # type: ignore[union-attr]
    return None


def scheme_item_save(user: AnyUser, item: Item, *, reason: str = "") -> Item:
    """Add or change one item of a draft scheme (the national office; a province office for its own items)."""
    _editable(item.scheme)
    if item.province_id is not None and item.province.level != "province":  # type: ignore[union-attr]
        raise ShanhaiError("「省级增设」须选择省级行政区。", field="province")
    if item.pk is not None and not is_national(user):  # the province stays as stored, whatever was posted
        stored = Item.objects.filter(pk=item.pk).values_list("province_id", flat=True).first()
        if stored != item.province_id:
            raise WriteRefused("不能更改考核项目所属的省份。")
    refused = _item_refusal(user, item)
    if refused:
        raise WriteRefused(refused)
    return guarded_save(user, item, reason=reason or "编辑考核项目")  # type: ignore[return-value]


def scheme_item_delete(user: AnyUser, item: Item) -> None:
    _editable(item.scheme)
    refused = _item_refusal(user, item)
    if refused:
        raise WriteRefused(refused)
    guarded_delete(user, item, reason="删除考核项目")


def grade_band_save(user: AnyUser, band: GradeBand) -> GradeBand:
    _editable(band.scheme)
    return guarded_save(user, band, reason="编辑等次分档")  # type: ignore[return-value]


def scheme_copy(user: AnyUser, source: Scheme, *, programme: Programme, year: int, name: str = "") -> Scheme:
    """A new draft scheme for `programme` and `year` with every item, band and cap rule of `source`."""
    if Scheme.objects.filter(programme=programme, year=year, subject=source.subject).exists():
        raise ShanhaiError(f"{programme}{year}年已有{source.get_subject_display()}的考核方案。", field="year")
    with transaction.atomic():
        scheme = guarded_save(user, Scheme(programme=programme, year=year, subject=source.subject,
                                           name=name or source.name, copied_from=source),
                              reason=f"复制自{source}")
        for item in source.items.all():
            item.pk, item.id, item.scheme = None, None, scheme  # type: ignore[assignment]
            item._state.adding = True
            guarded_save(user, item, reason=f"复制自{source}")
        for band in source.grade_bands.all():
            guarded_save(user, GradeBand(scheme=scheme, grade=band.grade, min_points=band.min_points))
        for cap in source.cap_rules.all():
            guarded_save(user, CapRule(scheme=scheme, when_grade=cap.when_grade, cap_grade=cap.cap_grade,
                                       required_only=cap.required_only))
    return scheme  # type: ignore[return-value]


def scheme_for(programme: Programme, year: int, subject: str = Subject.WEST) -> Scheme:
    """The programme's scheme of that year, copied from last year's (else the default) when first asked for."""
    scheme = Scheme.objects.filter(programme=programme, year=year, subject=subject).first()
    if scheme is not None:
        return scheme
    source = (Scheme.objects.filter(programme=programme, year=year - 1, subject=subject).first()
              or Scheme.objects.filter(programme__isnull=True, subject=subject).first())
    if source is None:
        raise ShanhaiError("没有可复制的考核方案（默认方案缺失），请联系全国管理员。", code="not_found")
    return scheme_copy(None, source, programme=programme, year=year)


def scheme_open(user: AnyUser, scheme: Scheme) -> int:
    """Freeze the scheme and compute every county pairing's draft (the national office). Returns how many."""
    if user is not None and not is_national(user):
        raise WriteRefused("只有全国管理员可以开启考核。")
    if scheme.programme_id is None:
        raise ShanhaiError("默认方案是模板，不能直接开启考核；请先复制为某一年度的方案。")
    problems = scheme_problems(scheme)
    if problems:
        raise ShanhaiError("方案不完整，不能开启考核：" + "；".join(problems))
    period_for(scheme.programme_id, scheme.year)  # type: ignore[arg-type]
    with transaction.atomic():
        if scheme.state == SchemeState.DRAFT:
            scheme.state, scheme.frozen_at = SchemeState.OPEN, timezone.now()
            guarded_save(user, scheme, reason="开启考核，方案冻结")
        return len(assessments_compute(user, scheme))


def scheme_problems(scheme: Scheme) -> list[str]:
    out = []
    items = list(scheme.items.all())
    if not items:
        out.append("方案没有考核项目")
    if not scheme.grade_bands.exists():
        out.append("方案没有设置等次分档")
    for item in items:
        try:
            item.clean()
        except Exception as e:  # noqa: BLE001 - a ValidationError's messages, shown as they are
            out.append(f"“{item.label}”：{'；'.join(getattr(e, 'messages', [str(e)]))}")
    return out


def scheme_publish(user: AnyUser, scheme: Scheme) -> int:
    """Publish every result of the scheme (the national office); all must be finalised first."""
    if user is not None and not is_national(user):
        raise WriteRefused("只有全国管理员可以发布考核结果。")
    pending = scheme.assessments.exclude(state__in=[AssessmentState.FINAL, AssessmentState.PUBLISHED]).count()
    if pending:
        raise ShanhaiError(f"还有{pending}个单位的考核尚未定稿，不能发布。", code="incomplete")
    with transaction.atomic():
        n = 0
        for a in scheme.assessments.select_related("pairing"):
            if a.state != AssessmentState.PUBLISHED:
                a.state = AssessmentState.PUBLISHED
                guarded_save(user, a, reason="发布考核结果", validate=False)
                n += 1
        scheme.state, scheme.published_at = SchemeState.PUBLISHED, timezone.now()
        guarded_save(user, scheme, reason="发布考核结果")
    return n


# ---- computing the draft ------------------------------------------------------------------------------------

def _num(value: Any) -> str | None:
    if value is None:
        return None
    d = Decimal(value)
    return f"{d.normalize():f}" if d == d.to_integral_value() else f"{d:f}"


def _actual(subject: str, f: Figures, iid: int, year: int) -> tuple[Any, str]:
    """(figure, where it came from) for the assessed subject in `year`: its report's figure, else the records'."""
    sides = ["west", "east"] if subject == Subject.PAIR else [subject]
    for side in sides:
        value = f.form.get((iid, year, side))
        if value is not None:
            return value, f"{SIDE_ZH[side]}工作报告填报数"
    computed = f.computed.get((iid, year))
    if computed is not None:
        return computed, "记录计算值"
    return None, ""


def _reports_locked(subject: str, f: Figures) -> list[str]:
    """What is not locked among the reports the subject's figures come from ([] = all approved)."""
    sides = ["west", "east"] if subject == Subject.PAIR else [subject]
    out = []
    for side in sides:
        sub = f.reports.get(side)
        if not locked(sub):
            state = sub.get_state_display() if sub is not None else "未填报"
            out.append(f"{SIDE_ZH[side]}工作报告尚未审定锁定（当前：{state}）")
    return out


@dataclass(frozen=True)
class _Context:
    """What every draft of one computation shares, worked out once (not once per unit and item)."""

    period: Period
    subject: str
    refs: dict[str, str]  # side → the report's source name
    links: dict[int, Callable[[int], str]]  # item id → pairing id → the records' admin list
    rule_labels: dict[int, str]  # deduction item id → its rule in Chinese
    today: dt.date


def _records_link(item: Item, year: int) -> Callable[[int], str]:
    """The records behind an indicator item for one pairing: the URL built once, the pairing put in per unit
    (the same address `IndicatorRule.records_url` gives; building it 50,000 times took seconds)."""
    rule = RULES.get(item.indicator.code)  # type: ignore[union-attr]
    url = rule.records_url(year=year) if rule else ""
    if not url:
        return lambda pk: ""
    base, _sep, rest = url.partition("?")
    return lambda pk: f"{base}?pairing={pk}" + (f"&{rest}" if rest else "")


def _indicator_score(item: Item, pairing: Pairing, f: Figures, ctx: _Context,
                     unlocked: list[str]) -> tuple[Decimal, dict, str]:
    """Points, trace and what blocks finalising; `unlocked`: the unit's reports not yet locked (`_reports_locked`)."""
    subject, year, iid = ctx.subject, ctx.period.year, item.indicator_id
    actual, actual_from = _actual(subject, f, iid, year)  # type: ignore[arg-type]
    target = f.targets.get((iid, year))  # type: ignore[arg-type]
    last_year, last_from = _actual(subject, f, iid, year - 1)  # type: ignore[arg-type]
    result = rules.indicator_points(item, actual, target, last_year)
    ind = item.indicator
    disputes = f.disputes.get(iid, [])  # type: ignore[arg-type]
    trace = {
        "indicator": ind.code, "zh": ind.zh, "unit": ind.unit,  # type: ignore[union-attr]
        "actual": _num(actual), "actual_from": actual_from,
        "computed": _num(f.computed.get((iid, year))),  # type: ignore[arg-type]
        "records_url": ctx.links[item.pk](pairing.pk),
        "reported": [{"side": s, "value": _num(f.form[(iid, year, s)]), "source": ctx.refs[s]}  # type: ignore[arg-type]
                     for s in ("west", "east") if (iid, year, s) in f.form],
        "other": f.other.get((iid, year), [])[:5],  # type: ignore[arg-type]
        "target": _num(target), "target_locked": locked(f.plan),
        "last_year": _num(last_year), "last_year_from": last_from,
        "basis": result.basis, "rate": _num(result.rate), "rate_pct": rules.pct(result.rate) if result.rate is not None else "",
        "band": result.band,
        "locked": not unlocked, "disputes": disputes,
    }
    return result.points, trace, "；".join(unlocked + disputes)[:300]


def _deduction(item: Item, f: Figures, ctx: _Context) -> tuple[Decimal, dict]:
    subject, period = ctx.subject, ctx.period
    sides = ["west", "east"] if subject == Subject.PAIR else [subject]
    found: list[str] = []
    count = 0
    for side in sides:
        sub = f.reports.get(side)
        if item.rule == "late":
            late = sub is not None and sub.submitted_at is not None and sub.submitted_at.date() > period.due
            missing = (sub is None or sub.submitted_at is None) and ctx.today > period.due
            if late or missing:
                count += 1
                found.append(f"{SIDE_ZH[side]}工作报告{'逾期报送' if late else '逾期未报送'}（截止{period.due:%Y-%m-%d}）")
        elif item.rule == "returned":
            n = f.returned.get(side, 0)
            if n:
                count += n
                found.append(f"{SIDE_ZH[side]}工作报告被退回{n}次")
    if item.rule == "dispute":
        count = f.open_differences.get(sides[0], 0)
        if count:
            found.append(f"东西部对账差异未解决{count}项")
    points = rules.deduction_points(item, count)
    return points, {"rule": ctx.rule_labels[item.pk], "count": count, "found": found,
                    "per": _num(item.weight), "cap": _num(item.cap)}


def _applies(item: Item, subject: str, pairing: Pairing) -> bool:
    if item.province_id is None:
        return True
    return any(r.path.startswith(item.province.path) for r in subject_regions(subject, pairing))  # type: ignore[union-attr]


def assessments_compute(user: AnyUser, scheme: Scheme, pairings: Iterable[Pairing] | None = None) -> list[Assessment]:
    """Compute (or recompute) the drafts of `pairings` (every county pairing of the programme by default).
    Reviewers' scores, adjustments and self-evaluations are kept; final and published ones are left alone.

    National scale (≈650 units × the full catalogue, benchmarks/assessment_speed.py): the figures are read
    in bulk (`inputs.figures_for`), the totals worked out from the scores in hand, and only what changed is
    written: a recomputation that finds the same figures writes no score and no history."""
    if scheme.state == SchemeState.DRAFT:
        raise ShanhaiError("考核尚未开启（方案未冻结），不能计算考核结果。", code="conflict")
    guard = WriteGuard(user)
    guard.require(Assessment, "add")
    period = period_for(scheme.programme_id, scheme.year)  # type: ignore[arg-type]
    qs = Pairing.objects.filter(programme_id=scheme.programme_id, kind=PairingKind.COUNTY).select_related(
        "east_region", "west_region").order_by("pk")
    if pairings is not None:
        qs = qs.filter(pk__in=[p.pk for p in pairings])
    plist = [p for p in qs if guard.pairing_open(p.pk)]
    items = list(scheme.items.select_related("indicator", "province"))
    by_item = {i.pk: i for i in items}
    ctx = _Context(period=period, subject=scheme.subject, refs={s: form_ref(period, s) for s in ("west", "east")},
                   links={i.pk: _records_link(i, period.year) for i in items if i.kind == ItemKind.INDICATOR},
                   rule_labels={i.pk: i.get_rule_display() for i in items if i.kind == ItemKind.DEDUCTION},
                   today=timezone.localdate())
    figs = figures_for(plist, period, [i.indicator_id for i in items if i.indicator_id])
    ids = [p.pk for p in plist]
    existing = {a.pairing_id: a for a in Assessment.objects.filter(scheme=scheme, pairing_id__in=ids)}
    # new drafts are created with their totals (below), so opening writes each row once
    drafts = [existing.get(p.pk) or Assessment(scheme=scheme, pairing=p) for p in plist]
    drafts = [a for a in drafts if a.state == AssessmentState.DRAFT]
    held: dict[int, dict[int, _Held]] = {a.pairing_id: {} for a in drafts}
    # stored scores read as plain rows: building 50,000 model instances took seconds
    by_assessment = {a.pk: a.pairing_id for a in drafts if a.pk}
    for pk, aid, iid, computed, adjusted, trace, block in Score.objects.filter(
            assessment_id__in=list(by_assessment)).values_list("pk", "assessment_id", "item_id", "computed",
                                                              "adjusted", "trace", "block"):
        if iid in by_item:
            held[by_assessment[aid]][iid] = _Held(pk, by_item[iid], computed, adjusted, trace, block)
    changed: dict[int, _Held] = {}
    by_id = {p.pk: p for p in plist}
    for a in drafts:
        p, f, mine = by_id[a.pairing_id], figs[a.pairing_id], held[a.pairing_id]
        unlocked = _reports_locked(scheme.subject, f)
        for item in items:
            if not _applies(item, scheme.subject, p):
                continue
            score = mine.get(item.pk)
            if score is None:
                score = mine[item.pk] = _Held(None, item, None, None, {}, "")
            before = (score.computed, score.trace, score.block)
            if item.kind == ItemKind.INDICATOR:
                score.computed, score.trace, score.block = _indicator_score(item, p, f, ctx, unlocked)
            elif item.kind == ItemKind.DEDUCTION:
                score.computed, score.trace = _deduction(item, f, ctx)
                score.block = ""
            else:
                score.computed = None
                score.trace = {"range": [_num(item.min_points or 0), _num(item.weight)]}
                score.block = "" if score.adjusted is not None else "定性项目尚未评分"
            if score.pk is not None and (score.computed, score.trace, score.block) != before:
                changed[score.pk] = score
    with transaction.atomic():
        _retotal_many(drafts, held, scheme, user)
        _scores_update(changed, user)
        _scores_insert([(a.pk, h) for a in drafts for h in held[a.pairing_id].values() if h.pk is None])
    existing.update({a.pairing_id: a for a in drafts})
    return [existing[p.pk] for p in plist]


def _scores_update(changed: dict[int, _Held], user: AnyUser) -> None:
    """Write recomputed scores (score id → new values), each with its history row. One UPDATE per row through
    `executemany`: Django's bulk_update builds a CASE per field and row, seconds for a few thousand rows."""
    if not changed:
        return
    ops = connection.ops
    now = timezone.now()
    trace_field = Score._meta.get_field("trace")
    table = ops.quote_name(Score._meta.db_table)
    sql = f"UPDATE {table} SET computed = %s, trace = %s, block = %s, updated_at = %s WHERE id = %s"  # noqa: S608
    ids = list(changed)
    for i in range(0, len(ids), 5000):
        rows = list(Score.objects.filter(pk__in=ids[i:i + 5000]))  # whole rows, so that their history is complete
        for s in rows:
            h = changed[s.pk]
            s.computed, s.trace, s.block, s.updated_at = h.computed, h.trace, h.block, now
        with connection.cursor() as cursor:
            cursor.executemany(sql, [(None if s.computed is None else ops.adapt_decimalfield_value(s.computed, 7, 2),
                                      trace_field.get_db_prep_save(s.trace, connection), s.block,
                                      ops.adapt_datetimefield_value(now), s.pk) for s in rows])
        Score.history.bulk_history_create(rows, update=True, default_user=_who(user),
                                          default_change_reason="重新计算考核初稿")


def _scores_insert(rows: list[tuple[int, _Held]]) -> None:
    """Insert a first computation's scores (assessment id, score) in one statement per few thousand rows.

    These are the starting point, not a change: they are written without a history row each (the
    assessment's own history records "计算考核初稿" with its total; every later change — a recomputation
    that moves a figure, a reviewer's score, a decision — has its row). Written through the cursor, values
    adapted by the database's own field operations: Django's bulk_create spent most of a national opening
    preparing 600,000 values one field at a time. The caller has been through the write guard."""
    if not rows:
        return
    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    trace_field = Score._meta.get_field("trace")

    def dec(value: Decimal | None) -> Any:
        return None if value is None else ops.adapt_decimalfield_value(value, 7, 2)

    cols = ("created_at", "updated_at", "assessment_id", "item_id", "computed", "adjusted", "reason", "reviewer_id",
            "level", "self_points", "trace", "block")
    names = ", ".join(ops.quote_name(c) for c in cols)
    marks = ", ".join(["%s"] * len(cols))
    sql = f"INSERT INTO {ops.quote_name(Score._meta.db_table)} ({names}) VALUES ({marks})"  # noqa: S608 - own names
    values = [(now, now, aid, h.item.pk, dec(h.computed), dec(h.adjusted), "", None, "", None,
               trace_field.get_db_prep_save(h.trace, connection), h.block) for aid, h in rows]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # COPY: less work per row than executemany (as roll-ups do)
            with cursor.cursor.copy(f"COPY {ops.quote_name(Score._meta.db_table)} ({names}) FROM STDIN") as copy:
                for row in values:
                    copy.write_row(row)
            return
        for i in range(0, len(values), 5000):
            cursor.executemany(sql, values[i:i + 5000])


@dataclass(slots=True)
class _Held:
    """A stored score as read for a recomputation (what the totals and the comparison need)."""

    pk: int | None  # None: not stored yet
    item: Item
    computed: Decimal | None
    adjusted: Decimal | None
    trace: dict
    block: str
    _objection_open: bool = False

    @property
    def points(self) -> Decimal | None:
        return self.adjusted if self.adjusted is not None else self.computed


def _who(user: AnyUser) -> Any:
    return user if getattr(user, "pk", None) is not None else None


def _scheme_rules(scheme: Scheme) -> tuple[list[tuple[str, Decimal]], list[tuple[str, bool, str]], Decimal]:
    bands = [(b.grade, b.min_points) for b in scheme.grade_bands.all()]
    caps = [(c.when_grade, c.required_only, c.cap_grade) for c in scheme.cap_rules.all()]
    full = sum((i.weight for i in scheme.items.all() if i.kind != ItemKind.DEDUCTION and i.province_id is None),
               Decimal(0))
    return bands, caps, full


def _totals(a: Assessment, scores: list[Any], bands: list[tuple[str, Decimal]], caps: list[tuple[str, bool, str]],
            full: Decimal) -> None:
    """Set a's computed and final totals, grade, the grade's note and the number of blocking items."""
    a.computed = rules.q(sum((s.computed or Decimal(0) for s in scores), Decimal(0)))
    a.total = rules.q(sum((s.points or Decimal(0) for s in scores), Decimal(0)))
    grade = rules.grade_of(a.total, bands)
    graded = [(s.item.label, s.item.required, rules.item_grade(s.points or Decimal(0), s.item.weight, full, bands))
              for s in scores if s.item.kind != ItemKind.DEDUCTION]
    a.grade, a.grade_note = rules.capped(grade, graded, caps)
    open_objections = sum(1 for s in scores if getattr(s, "_objection_open", False))
    a.blocked = sum(1 for s in scores if s.block) + open_objections


TOTAL_FIELDS = ("computed", "total", "grade", "grade_note", "blocked")


def _retotal_many(assessments: list[Assessment], scores: dict[int, dict[int, _Held]], scheme: Scheme,
                  user: AnyUser) -> None:
    """Totals from the scores in hand (pairing id → item id → score). New assessments are created with them;
    stored ones are written, with history, where a total, the grade or the blocking count changed."""
    bands, caps, full = _scheme_rules(scheme)
    open_ids = set(Objection.objects.filter(score__assessment_id__in=[a.pk for a in assessments if a.pk],
                                            state=ObjectionState.OPEN).values_list("score_id", flat=True))
    now = timezone.now()
    new, changed, same = [], [], []
    for a in assessments:
        mine = sorted(scores[a.pairing_id].values(), key=lambda s: (s.item.position, s.item.pk))
        for s in mine:
            s._objection_open = s.pk in open_ids
        before = tuple(getattr(a, f) for f in TOTAL_FIELDS)
        _totals(a, mine, bands, caps, full)
        if a.pk is None:
            new.append(a)
        elif a.computed_at is None or tuple(getattr(a, f) for f in TOTAL_FIELDS) != before:
            changed.append(a)
        else:
            same.append(a)
        a.computed_at = now
    if new:
        bulk_create_with_history(new, Assessment, batch_size=2000, default_user=_who(user),
                                 default_change_reason="计算考核初稿")
        if any(a.pk is None for a in new):  # a database that does not return the new keys
            keys = dict(Assessment.objects.filter(scheme=scheme, pairing_id__in=[a.pairing_id for a in new])
                        .values_list("pairing_id", "pk"))
            for a in new:
                a.pk = keys[a.pairing_id]
    if changed:
        bulk_update_with_history(changed, Assessment, [*TOTAL_FIELDS, "computed_at", "updated_at"],
                                 batch_size=2000, default_user=_who(user), default_change_reason="计算考核初稿")
    if same:  # the same figures again: only when it was computed, not a new version for the history
        Assessment.objects.filter(pk__in=[a.pk for a in same]).update(computed_at=now)


def retotal(a: Assessment, user: AnyUser, reason: str) -> Assessment:
    """Recompute one assessment's totals after a score changed (saved through the door)."""
    bands, caps, full = _scheme_rules(a.scheme)
    scores = list(a.scores.select_related("item"))
    open_ids = set(Objection.objects.filter(score__assessment=a, state=ObjectionState.OPEN)
                   .values_list("score_id", flat=True))
    for s in scores:
        s._objection_open = s.pk in open_ids  # type: ignore[attr-defined]
    _totals(a, scores, bands, caps, full)
    a.version += 1
    return guarded_save(user, a, reason=reason[:100], validate=False)  # type: ignore[return-value]


# ---- reviewers, the unit, decisions -------------------------------------------------------------------------

def _points(value: Any, label: str) -> Decimal:
    try:
        d = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise ShanhaiError(f"「{label}」应为数字，如 7.5。", field="points") from None
    if not d.is_finite():
        raise ShanhaiError(f"「{label}」应为数字，如 7.5。", field="points")
    return rules.q(d)


def points_range(item: Item) -> tuple[Decimal, Decimal]:
    if item.kind == ItemKind.QUALITATIVE:
        return Decimal(item.min_points or 0), Decimal(item.weight)
    if item.kind == ItemKind.DEDUCTION:
        return -Decimal(item.cap if item.cap is not None else item.weight * 100), Decimal(0)
    cap = Decimal(item.cap) if item.cap is not None else Decimal(100)
    return Decimal(0), rules.q(Decimal(item.weight) * cap / 100)


def _in_range(item: Item, points: Decimal, label: str) -> None:
    low, high = points_range(item)
    if not low <= points <= high:
        raise ShanhaiError(f"“{item.label}”的{label}应在{_num(low)}到{_num(high)}分之间，填写的是{_num(points)}。",
                           field="points")


def score_adjust(user: AnyUser, score: Score, points: Any, reason: str) -> Score:
    """A reviewer scores a qualitative item or adjusts a computed one; a written reason is required."""
    a = score.assessment
    _review(user, a)
    _draft(a)
    reason = (reason or "").strip()
    value = _points(points, "评审得分")
    _in_range(score.item, value, "评审得分")
    if not reason:
        raise ShanhaiError(f"评分或调整“{score.item.label}”须写明理由。", field="reason")
    with transaction.atomic():
        score.adjusted, score.reason = value, reason
        score.reviewer, score.level = _who(user), reviewer_level(user)
        if score.item.kind == ItemKind.QUALITATIVE:
            score.block = ""
        guarded_save(user, score, reason=f"{score.level}评审：{reason}"[:100])
        retotal(a, user, f"“{score.item.label}”评审得分{_num(value)}")
    return score


def score_reset(user: AnyUser, score: Score, reason: str) -> Score:
    """Back to the computed points (a reviewer's adjustment withdrawn, with a reason)."""
    a = score.assessment
    _review(user, a)
    _draft(a)
    if not (reason or "").strip():
        raise ShanhaiError("撤销调整须写明理由。", field="reason")
    with transaction.atomic():
        score.adjusted, score.reason = None, reason.strip()
        score.reviewer, score.level = _who(user), reviewer_level(user)
        if score.item.kind == ItemKind.QUALITATIVE:
            score.block = "定性项目尚未评分"
        guarded_save(user, score, reason=f"撤销调整：{reason}"[:100])
        retotal(a, user, f"“{score.item.label}”恢复计算得分")
    return score


def assessment_self_evaluate(user: AnyUser, a: Assessment, text: str, points: dict[int, Any] | None = None) -> Assessment:
    """The unit's self-evaluation (自评): a text and, optionally, its own points per item (score id → points)."""
    refused = unit_refusal(user, a)
    if refused:
        raise WriteRefused(refused)
    _draft(a)
    text = (text or "").strip()
    if not text:
        raise ShanhaiError("请填写自评内容。", field="self_evaluation")
    with transaction.atomic():
        total = Decimal(0)
        any_points = False
        for s in a.scores.select_related("item"):
            raw = (points or {}).get(s.pk)
            if raw in (None, ""):
                continue
            value = _points(raw, f"“{s.item.label}”自评得分")
            _in_range(s.item, value, "自评得分")
            s.self_points, any_points = value, True
            total += value
            guarded_save(user, s, reason="自评")
        a.self_evaluation = text
        a.self_points = rules.q(total) if any_points else None
        a.version += 1
        guarded_save(user, a, reason="填写自评", validate=False)
    return a


def objection_raise(user: AnyUser, score: Score, text: str, *, evidence: str = "", asked_points: Any = None) -> Objection:
    """The unit objects to one item, once, with its reasons and evidence."""
    a = score.assessment
    refused = unit_refusal(user, a)
    if refused:
        raise WriteRefused(refused)
    _draft(a)
    if Objection.objects.filter(score=score).exists():
        raise ShanhaiError(f"“{score.item.label}”已提出过异议，每个项目只能提出一次。", code="conflict")
    text = (text or "").strip()
    if not text:
        raise ShanhaiError("提出异议须写明理由。", field="text")
    asked = None
    if asked_points not in (None, ""):
        asked = _points(asked_points, "申请得分")
        _in_range(score.item, asked, "申请得分")
    with transaction.atomic():
        obj = guarded_save(user, Objection(score=score, text=text, evidence=(evidence or "").strip(),
                                           asked_points=asked, created_by=_who(user)), reason="提出异议")
        retotal(a, user, f"对“{score.item.label}”提出异议")
    return obj  # type: ignore[return-value]


def objection_decide(user: AnyUser, obj: Objection, *, upheld: bool, decision: str, points: Any = None) -> Objection:
    """The level above decides: upheld (the item's points set, to the asked points by default) or rejected."""
    score = obj.score
    a = score.assessment
    _review(user, a)
    _draft(a)
    if obj.state != ObjectionState.OPEN:
        raise ShanhaiError("该异议已裁定。", code="conflict")
    decision = (decision or "").strip()
    if not decision:
        raise ShanhaiError("裁定异议须写明意见。", field="decision")
    with transaction.atomic():
        obj.state = ObjectionState.UPHELD if upheld else ObjectionState.REJECTED
        obj.decision, obj.decided_by, obj.decided_at = decision, _who(user), timezone.now()
        guarded_save(user, obj, reason=f"{obj.get_state_display()}：{decision}"[:100])
        value = points if points not in (None, "") else obj.asked_points
        if upheld and value is not None:
            value = _points(value, "裁定得分")
            _in_range(score.item, value, "裁定得分")
            score.adjusted, score.reason = value, f"异议成立：{decision}"
            score.reviewer, score.level = _who(user), reviewer_level(user)
            if score.item.kind == ItemKind.QUALITATIVE:
                score.block = ""
            guarded_save(user, score, reason=f"异议成立：{decision}"[:100])
        retotal(a, user, f"裁定“{score.item.label}”的异议")
    return obj


def finalise_problems(a: Assessment) -> list[str]:
    """Why `a` cannot be finalised yet ([] when it can)."""
    out = [f"“{s.item.label}”：{s.block}" for s in a.scores.select_related("item") if s.block]
    out += [f"“{o.score.item.label}”的异议尚未裁定" for o in
            Objection.objects.filter(score__assessment=a, state=ObjectionState.OPEN).select_related("score__item")]
    return out


def assessment_finalise(user: AnyUser, a: Assessment, *, version: int | None = None) -> Assessment:
    """Finalise a draft: refused while any figure is unlocked or disputed, a qualitative item unscored,
    or an objection undecided."""
    _review(user, a)
    _draft(a)
    if version is not None and version != a.version:
        raise ShanhaiError("该考核已被他人修改，请刷新页面后再操作。", code="conflict")
    problems = finalise_problems(a)
    if problems:
        raise ShanhaiError("不能定稿：" + "；".join(problems[:10]) + (f"（另有{len(problems) - 10}项）"
                                                                   if len(problems) > 10 else ""), code="incomplete")
    with transaction.atomic():
        a.state, a.finalised_by = AssessmentState.FINAL, _who(user)
        a.version += 1
        guarded_save(user, a, reason=f"{reviewer_level(user)}定稿", validate=False)
    return a


def assessment_reopen(user: AnyUser, a: Assessment, reason: str) -> Assessment:
    """Back to draft (before publication), with a reason."""
    _review(user, a)
    if a.state != AssessmentState.FINAL:
        raise ShanhaiError("只有已定稿且未发布的考核可以退回修改。", code="conflict")
    if not (reason or "").strip():
        raise ShanhaiError("退回修改须写明理由。", field="reason")
    a.state = AssessmentState.DRAFT
    a.version += 1
    return guarded_save(user, a, reason=f"退回修改：{reason.strip()}"[:100], validate=False)  # type: ignore[return-value]

