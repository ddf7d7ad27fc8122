"""Services for the review queue: documents in, proposed facts out, accepted facts become reported values.

This is the Django side; the reader it calls (`read_document`, `extract_facts`) imports no Django.
"""

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from shanhai.accounts.scoping import can_see, visible
from shanhai.accounts.writes import WriteGuard, WriteRefused, guarded_delete
from shanhai.core.errors import ShanhaiError
from shanhai.evidence import EvidenceError, clean_text, extract_facts, read_document
from shanhai.evidence.models import FactStatus, ProposedFact, SourceDocument
from shanhai.indicators.models import Qualifier, ReportedValue
from shanhai.indicators.services import indicator_get, reported_value_upsert
from shanhai.network.models import Pairing
from shanhai.regions.lookup import resolve_region
from shanhai.regions.models import Region

User = AbstractBaseUser | AnonymousUser
_PERIOD = re.compile(r"^(\d{4})(?:-(\d{4}))?$")


@dataclass(frozen=True)
class PartyResolution:
    region: Region | None
    note: str


def party_resolve(name: str | None, side_region: Region) -> PartyResolution:
    """A party as written → a region, or a note saying why not. Never a guess.

    Where a name fits several regions (南沙), the one inside this pairing's own side is taken, since the
    document was filed against that pairing; otherwise the candidates are listed for the reviewer.
    """
    if not name:
        return PartyResolution(None, "")
    resolution = resolve_region(name)
    if resolution.region is not None:
        return PartyResolution(resolution.region, "")
    if resolution.ambiguous:
        inside = [r for r in resolution.candidates if side_region.contains(r) or r.contains(side_region)]
        if len(inside) == 1:
            return PartyResolution(inside[0], f"“{name}”有多个同名地区，按本结对所在地区确定为{inside[0].full_name}。")
        return PartyResolution(None, resolution.error("地区") or "")
    return PartyResolution(None, f"“{name}”未识别为行政区划（可能是单位或泛称），请核对。")


def _visible_pairing(user: User, pairing: Pairing | int) -> Pairing:
    pairing_id = pairing.pk if isinstance(pairing, Pairing) else pairing
    found = visible(user, Pairing.objects.filter(pk=pairing_id)).select_related("east_region", "west_region").first()
    if found is None:
        raise ShanhaiError("所选「结对关系」不存在或不在您的数据范围内。", field="pairing", code="not_found")
    return found


@transaction.atomic
def document_ingest(
    *, user: User, pairing: Pairing | int, data: bytes | None = None, text: str | None = None,
    filename: str = "", title: str = "", published: dt.date | None = None,
) -> SourceDocument:
    """Read a file (or pasted text), propose its facts, and file both against a pairing, all or nothing."""
    pairing_obj = _visible_pairing(user, pairing)
    _require_reporter(user, pairing_obj.pk)
    if not data and not (text or "").strip():
        raise ShanhaiError("请上传文件或粘贴正文：两者都为空。", field="file")
    try:
        if data:
            doc = read_document(data, published=published, name=filename or None)
        else:
            doc = clean_text(text or "", published=published, source="粘贴文本")
    except EvidenceError as e:
        raise ShanhaiError(str(e), field="file") from e
    raw = data if data else (text or "").encode("utf-8")
    title = title.strip() or _title_from(doc.raw_text, doc.text) or filename or "未命名文档"
    document = SourceDocument(
        pairing=pairing_obj, title=title[:300], original_name=filename[:255], sha256=hashlib.sha256(raw).hexdigest(),
        format=doc.format, encoding=doc.encoding or "", published=doc.published, text=doc.text,
        dropped=[{"reason": d.reason, "text": d.text[:500]} for d in doc.dropped],
        created_by=user if user.is_authenticated else None,
    )
    if data:
        document.file.save(filename or "document.txt", ContentFile(data), save=False)
    document.save()
    result = extract_facts(doc, doc_id=str(document.pk), published=doc.published)
    facts = []
    for fact in result.facts:
        east = party_resolve(fact.east, pairing_obj.east_region)
        west = party_resolve(fact.west, pairing_obj.west_region)
        facts.append(ProposedFact(
            document=document, metric=fact.metric, value=Decimal(str(fact.value)), qualifier=fact.qualifier,
            period=fact.period or "", east=fact.east or "", west=fact.west or "", east_region=east.region,
            west_region=west.region, east_note=east.note[:300], west_note=west.note[:300],
            baseline=Decimal(str(fact.baseline)) if fact.baseline is not None else None,
            stated_rate=Decimal(str(round(fact.stated_rate, 2))) if fact.stated_rate is not None else None,
            rate_ok=fact.rate_ok, evidence=fact.evidence, start=fact.start, end=fact.end, why=fact.why,
        ))
    ProposedFact.objects.bulk_create(facts)
    return document


def _title_from(raw_text: str, text: str) -> str:
    """The headline: the line just above the 发布时间 line of a saved page, else the first body line."""
    lines = [line.strip() for line in raw_text.splitlines()[:80]]
    for i, line in enumerate(lines):
        if line.startswith(("发布时间", "發布時間", "来源：", "時間：", "时间：")):
            above = [x for x in lines[:i] if 4 <= len(x) <= 120]
            if above:
                return above[-1]
    for line in text.splitlines():
        if 4 <= len(line.strip()) <= 120:
            return line.strip()
    return ""


def documents_visible(user: User) -> QuerySet[SourceDocument]:
    return visible(user, SourceDocument.objects.select_related("pairing__east_region", "pairing__west_region"))


def document_get(user: User, document_id: int) -> SourceDocument:
    document = documents_visible(user).filter(pk=document_id).first()
    if document is None:
        raise ShanhaiError("该报告文档不存在或不在您的数据范围内。", code="not_found")
    return document


def period_parse(period: str) -> tuple[int, int | None]:
    """"2023" → (2023, None); "2021-2023" → (2023, 2021). An empty period is refused, not guessed."""
    period = (period or "").strip()
    if not period:
        raise ShanhaiError("「时期」为空：原文未写明年份，请核对后填写（如 2023 或 2021-2023）。", field="period")
    match = _PERIOD.match(period)
    if not match:
        raise ShanhaiError(f"「时期」“{period}”应写作 2023 或 2021-2023。", field="period")
    first, last = int(match.group(1)), int(match.group(2) or match.group(1))
    if last < first:
        raise ShanhaiError(f"「时期」“{period}”的结束年早于起始年。", field="period")
    return last, (first if last != first else None)


def fact_duplicates(fact: ProposedFact) -> list[ReportedValue]:
    """Reported values already holding this figure: same indicator, pairing, period and value.

    A fact whose period the text leaves open is compared on indicator, pairing and value alone.
    """
    qs = ReportedValue.objects.filter(indicator__code=fact.metric, pairing_id=fact.document.pairing_id, value=fact.value)
    if fact.period:
        try:
            year, since = period_parse(fact.period)
        except ShanhaiError:
            return []
        qs = qs.filter(year=year, since_year=since)
    if fact.reported_value_id:
        qs = qs.exclude(pk=fact.reported_value_id)
    return list(qs)


def _require_reporter(user: User, pairing_id: int) -> None:
    """Reading a report proposes reported values: ingest, accept and reject need the right to create
    them, for this pairing (accounts.writes)."""
    guard = WriteGuard(user) if user.is_authenticated else None
    if guard is None:
        raise WriteRefused("请先登录。")
    guard.require(ReportedValue, "add")
    if not guard.pairing_open(pairing_id):
        raise WriteRefused("您不能为该结对关系填报数字：它不在您可填报的数据范围内。")


def _fact_for_review(user: User, fact_id: int) -> ProposedFact:
    fact = ProposedFact.objects.select_related("document__pairing").filter(pk=fact_id).first()
    if fact is None or not can_see(user, fact.document):
        raise ShanhaiError("该条数字不存在或不在您的数据范围内。", code="not_found")
    _require_reporter(user, fact.document.pairing_id)
    return fact


@transaction.atomic
def fact_accept(
    *, user: User, fact_id: int, metric: str | None = None, value: str | Decimal | None = None,
    period: str | None = None, qualifier: str | None = None,
) -> ProposedFact:
    """Accept a fact, with the reviewer's edits; it becomes a reported value linked to its sentence."""
    fact = _fact_for_review(user, fact_id)
    if metric is not None:
        fact.metric = metric.strip()
    if value is not None:
        try:
            fact.value = Decimal(str(value).replace(",", "").strip())
        except InvalidOperation as e:
            raise ShanhaiError(f"「数值」“{value}”不是数字。", field="value") from e
    if period is not None:
        fact.period = period.strip()
    if qualifier is not None:
        if qualifier not in Qualifier.values:
            raise ShanhaiError(f"「数值性质」“{qualifier}”无效。", field="qualifier")
        fact.qualifier = qualifier
    indicator = indicator_get(fact.metric)
    year, since = period_parse(fact.period)
    document = fact.document
    reported, _created = reported_value_upsert(
        indicator=indicator, value=fact.value, year=year, since_year=since, pairing=document.pairing_id,
        source_kind="document", source_ref=f"{document.title}（第{fact.start}字起）",
        source_url=reverse("evidence:review", args=[document.pk]) + f"#fact-{fact.pk}", evidence=fact.evidence, qualifier=fact.qualifier,
        baseline=fact.baseline, stated_rate=fact.stated_rate, user=user if user.is_authenticated else None,
    )
    fact.status = FactStatus.ACCEPTED
    fact.reported_value = reported
    fact.reviewed_by = user if user.is_authenticated else None
    fact.reviewed_at = timezone.now()
    fact.save()
    return fact


@transaction.atomic
def fact_reject(*, user: User, fact_id: int) -> ProposedFact:
    """Reject a fact; one accepted earlier loses the reported value it produced."""
    fact = _fact_for_review(user, fact_id)
    if fact.reported_value_id:
        reported = fact.reported_value
        fact.reported_value = None
        fact.save(update_fields=["reported_value"])
        if reported is not None:
            guarded_delete(user, reported, reason="驳回报告中的数字")
    fact.status = FactStatus.REJECTED
    fact.reviewed_by = user if user.is_authenticated else None
    fact.reviewed_at = timezone.now()
    fact.save()
    return fact
