"""Query parameters of the dashboard pages, parsed once and refused with a Chinese message.

Every page takes the same small set (year, programme, side, indicator code, ranking level); a value
that is not understood raises ShanhaiError naming the parameter and what it should be, so the
page answers 400 with that message instead of guessing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from django.http import QueryDict
from django.utils.translation import gettext as _

from shanhai.core.errors import ShanhaiError

Side = Literal["east", "west"]
Level = Literal["province", "prefecture", "county"]
Fmt = Literal["xlsx", "csv"]

SIDES: tuple[str, ...] = ("east", "west")
LEVELS: tuple[str, ...] = ("province", "prefecture", "county")
FORMATS: tuple[str, ...] = ("xlsx", "csv")
YEAR_MIN, YEAR_MAX = 1990, 2100


@dataclass(frozen=True)
class PageParams:
    year: int | None = None  # None: the page picks the latest year with data
    quarter: int | None = None  # 1–4: the indicator table and cards for that quarter (records with a month)
    month: int | None = None  # 1–12: the same for one month (wins over a quarter)
    programme: int | None = None
    side: Side = "west"
    code: str | None = None  # indicator for the ranking, the trend and the map colours
    level: Level = "province"
    export: str | None = None  # name of the table to export, if any
    fmt: Fmt = "xlsx"

    def query(self, **changes: object) -> str:
        """The query string of these parameters with `changes`, for links and export buttons."""
        values: dict[str, object] = {
            "year": self.year, "quarter": self.quarter, "month": self.month, "programme": self.programme, "side": self.side,
            "code": self.code, "level": self.level,
        }
        values.update(changes)
        q = QueryDict(mutable=True)
        for key, value in values.items():
            if value not in (None, ""):
                q[key] = str(value)
        return q.urlencode()


def _int(raw: str, name: str, label: str) -> int:
    try:
        return int(raw.strip())
    except ValueError:
        raise ShanhaiError(
            _("参数「%(label)s」（%(name)s）应为整数，收到“%(raw)s”。") % {"label": label, "name": name, "raw": raw},
            field=name,
        ) from None


def parse_params(query: QueryDict) -> PageParams:
    """The page parameters from a query string; ShanhaiError names the first wrong one."""
    year = programme = None
    if query.get("year"):
        year = _int(query["year"], "year", _("年度"))
        if not YEAR_MIN <= year <= YEAR_MAX:
            raise ShanhaiError(
                _("参数「年度」（year）应在%(min)s到%(max)s之间，收到%(value)s。")
                % {"min": YEAR_MIN, "max": YEAR_MAX, "value": year},
                field="year",
            )
    quarter = None
    if query.get("quarter"):
        quarter = _int(query["quarter"], "quarter", _("季度"))
        if not 1 <= quarter <= 4:
            raise ShanhaiError(_("参数「季度」（quarter）应为1到4，收到%(value)s。") % {"value": quarter}, field="quarter")
    month = None
    if query.get("month"):
        month = _int(query["month"], "month", _("月份"))
        if not 1 <= month <= 12:
            raise ShanhaiError(_("参数「月份」（month）应为1到12，收到%(value)s。") % {"value": month}, field="month")
        quarter = None  # a month names its own period
    if query.get("programme"):
        programme = _int(query["programme"], "programme", _("协作项目"))
    side = query.get("side") or "west"
    if side not in SIDES:
        raise ShanhaiError(
            _("参数「地区所在方」（side）应为 east（东部）或 west（西部），收到“%(value)s”。") % {"value": side},
            field="side",
        )
    level = query.get("level") or "province"
    if level not in LEVELS:
        raise ShanhaiError(
            _("参数「排名层级」（level）应为 province（省级）、prefecture（地级）或 county（县级），收到“%(value)s”。")
            % {"value": level},
            field="level",
        )
    fmt = query.get("fmt") or "xlsx"
    if fmt not in FORMATS:
        raise ShanhaiError(_("参数「导出格式」（fmt）应为 xlsx 或 csv，收到“%(value)s”。") % {"value": fmt}, field="fmt")
    code = (query.get("code") or "").strip() or None
    export = (query.get("export") or "").strip() or None
    return PageParams(year=year, quarter=quarter, month=month, programme=programme, side=side, code=code,  # type: ignore[arg-type]
                      level=level,  # type: ignore[arg-type]
                      export=export, fmt=fmt)  # type: ignore[arg-type]
