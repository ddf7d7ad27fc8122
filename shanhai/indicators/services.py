"""Writes for indicators: reported values, targets; and the two rules about completion.

`reported_value_upsert` is what the import engine, the report reader and the forms call: its
natural key is (indicator, pairing | region + side, year, quarter, month, source_kind, source_ref),
so importing the same sheet row or accepting the same document sentence twice changes nothing.
For a document, `source_ref` names the document and the statement (e.g. "标题 · “原文语句”"), so two
different figures of one article are two values.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction

from shanhai.accounts.writes import guarded_save
from shanhai.core.errors import ShanhaiError
from shanhai.indicators.models import Indicator, ReportedValue, SourceKind, Target
from shanhai.network.models import Pairing
from shanhai.regions.lookup import find_region
from shanhai.regions.models import Region

Number = int | Decimal
RATIO = Decimal("0.0001")  # completion kept to 0.01 %


def completion(actual: Number | None, target: Number | None, last_year: Number | None) -> tuple[Decimal | None, str]:
    """Completion as a ratio (1.075 = 107.5 %): actual ÷ target, or ÷ last year where no target is set.

    Returns (ratio, basis) with basis "target", "last_year" or "" (nothing to compare with).
    """
    if actual is None:
        return None, ""
    if target:
        return (Decimal(actual) / Decimal(target)).quantize(RATIO), "target"
    if last_year:
        return (Decimal(actual) / Decimal(last_year)).quantize(RATIO), "last_year"
    return None, ""


def stated_rate_mismatch(stated_rate: Number | None, actual: Number | None, base: Number | None) -> bool:
    """True when a stated completion rate (percent) disagrees with actual ÷ base beyond rounding.

    "Beyond rounding" means more than half a unit of the last digit the rate was written with
    (107.5 → ±0.05, 600 → ±0.5, 248.89 → ±0.005); trailing zeros from storage are ignored.
    """
    if stated_rate is None or actual is None or not base:
        return False
    stated = Decimal(stated_rate).normalize()
    exponent = min(0, stated.as_tuple().exponent)  # type: ignore[operator]
    tolerance = Decimal(5) * Decimal(10) ** (exponent - 1)
    computed = Decimal(actual) * 100 / Decimal(base)
    return abs(computed - stated) > tolerance


def indicator_get(code: str) -> Indicator:
    indicator = Indicator.objects.filter(code=code).first()
    if indicator is None:
        raise ShanhaiError(f"「指标」“{code}”不在指标目录中。", field="indicator", code="not_found")
    return indicator


def _decimal(value: Any, label: str, field: str) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, float):
        value = repr(value)  # keep what was written (107.5), not the binary float
    try:
        return Decimal(str(value).replace(",", "").strip())
    except InvalidOperation:
        raise ShanhaiError(f"「{label}」“{value}”不是数字。", field=field) from None


def _scope(pairing: Pairing | int | None, region: Region | str | None) -> tuple[Pairing | None, Region | None]:
    if isinstance(pairing, int):
        found = Pairing.objects.filter(pk=pairing).first()
        if found is None:
            raise ShanhaiError(f"「结对关系」{pairing}不存在。", field="pairing", code="not_found")
        pairing = found
    if isinstance(region, str):
        region = find_region(region, label="地区")
    return pairing, region


def _raise_validation(e: ValidationError) -> None:
    if hasattr(e, "error_dict"):
        first_field, errors = next(iter(e.error_dict.items()))
        messages = [m for errs in e.error_dict.values() for err in errs for m in err.messages]
        raise ShanhaiError("；".join(messages), field=first_field) from e
    raise ShanhaiError("；".join(e.messages)) from e


@transaction.atomic
def reported_value_upsert(
    *, indicator: str | Indicator, value: Any, year: int, source_kind: str, source_ref: str,
    pairing: Pairing | int | None = None, region: Region | str | None = None, side: str = "",
    quarter: int = 0, month: int = 0, since_year: int | None = None, qualifier: str = "exact",
    baseline: Any = None, stated_rate: Any = None, source_url: str = "", evidence: str = "",
    user: AbstractBaseUser | None = None,
) -> tuple[ReportedValue, bool]:
    """Create or update the reported value with this natural key; returns (value, created).

    Raises ShanhaiError (in Chinese, naming the field) and saves nothing when the input is wrong.
    """
    ind = indicator if isinstance(indicator, Indicator) else indicator_get(indicator)
    pairing_obj, region_obj = _scope(pairing, region)
    if source_kind not in SourceKind.values:
        raise ShanhaiError(f"「来源类型」“{source_kind}”应为 form、sheet 或 document。", field="source_kind")
    if not (source_ref or "").strip():
        raise ShanhaiError("「来源」不能为空：请写明文件 · 工作表 · 行，或文档标题。", field="source_ref")
    key = {"indicator": ind, "year": year, "quarter": quarter or 0, "month": month or 0,
           "source_kind": source_kind, "source_ref": source_ref.strip()}
    if pairing_obj is not None:
        key["pairing"] = pairing_obj
        key["region__isnull"] = True
    else:
        key.update(region=region_obj, side=side)
    obj = ReportedValue.objects.select_for_update().filter(**key).first()
    created = obj is None
    if obj is None:
        obj = ReportedValue(**{k: v for k, v in key.items() if not k.endswith("__isnull")})
    # for a pairing, the side that reports the figure (the data-entry screen); "" when not said
    obj.side = side
    obj.value = _decimal(value, "数值", "value")  # type: ignore[assignment]
    if obj.value is None:
        raise ShanhaiError("「数值」不能为空。", field="value")
    obj.baseline = _decimal(baseline, "对比基数", "baseline")
    obj.stated_rate = _decimal(stated_rate, "文中完成率", "stated_rate")
    obj.since_year = since_year
    obj.qualifier = qualifier
    obj.source_url = source_url
    obj.evidence = evidence
    if created and user is not None and user.is_authenticated:
        obj.created_by = user  # type: ignore[assignment]
    try:
        # The one door: role and scope of the value as stored and as it will be (accounts.writes).
        guarded_save(user, obj, reason=f"上报：{obj.source_ref}"[:100])
    except ValidationError as e:
        _raise_validation(e)
    return obj, created


@transaction.atomic
def target_set(*, indicator: str | Indicator, year: int, value: Any, pairing: Pairing | int | None = None,
               region: Region | str | None = None, side: str = "", note: str = "",
               user: AbstractBaseUser | None = None) -> Target:
    """Set (create or replace) the target of one pairing, or one region on one side, for a year.

    `user` None is the system (demo, commands); a user's write goes through `accounts.writes`."""
    ind = indicator if isinstance(indicator, Indicator) else indicator_get(indicator)
    pairing_obj, region_obj = _scope(pairing, region)
    if pairing_obj is not None:
        obj = Target.objects.select_for_update().filter(indicator=ind, pairing=pairing_obj, year=year).first()
    else:
        obj = Target.objects.select_for_update().filter(indicator=ind, region=region_obj, side=side, year=year).first()
    if obj is None:
        obj = Target(indicator=ind, pairing=pairing_obj, region=region_obj, side=side if region_obj else "", year=year)
    obj.value = _decimal(value, "目标值", "value")  # type: ignore[assignment]
    if obj.value is None:
        raise ShanhaiError("「目标值」不能为空。", field="value")
    obj.note = note
    try:
        guarded_save(user, obj, reason="目标")
    except ValidationError as e:
        _raise_validation(e)
    return obj


# Importers: after a bulk write (bulk_create/update send no signals) call `rollups_refresh_for(pairing_ids,
# years)`, or wrap many single saves in `with rollups_deferred():` to refresh once at the end.
from shanhai.indicators.rollups import rollups_deferred, rollups_refresh_for  # noqa: E402

__all__ = ["completion", "indicator_get", "reported_value_upsert", "rollups_deferred", "rollups_refresh_for",
           "stated_rate_mismatch", "target_set"]
