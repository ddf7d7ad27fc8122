"""Filters and tags of the dashboard templates: numbers, percents, table bodies, export links.

Table bodies are written here in Python rather than in template loops: an indicator table has
~70 rows × 9 cells, a county ranking hundreds of rows, and per-cell template nodes would cost
more than the page's whole data read.
"""

import datetime as dt
from html import escape as _html_escape
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from shanhai.web import formatting
from shanhai.web.tables import Table

register = template.Library()


def escape(value: Any) -> str:
    # The standard library's escape (as Django's does, minus the lazy-string wrapper that costs
    # more than the escaping on a table of a few thousand cells).
    return _html_escape(str(value), quote=True)


@register.filter
def num(value: Any) -> str:
    return formatting.number(value)


@register.filter
def place(name: Any) -> str:
    """A division's name in the current language (紫云苗族布依族自治县 / Ziyun Miao and Buyi Autonomous County)."""
    return formatting.place(str(name)) if name else ""


@register.filter
def pairing_label(text: Any) -> str:
    return formatting.pairing_label(str(text)) if text else ""


@register.filter
def full_place(region: Any) -> str:
    """A region with its ancestors: 贵州省安顺市紫云苗族布依族自治县, or in English from the county up."""
    if not formatting.english():
        return region.full_name
    names: list[str] = []
    node = region
    while node is not None:
        names.append(formatting.place(node.name))
        node = node.parent
    return ", ".join(names)


@register.filter
def pct(value: Any) -> str:
    return formatting.percent(value)


@register.filter
def sortkey(value: Any) -> str:
    return formatting.sort_key(value)


@register.filter
def with_sources(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The indicator rows that have reported values to list under the table."""
    return [row for row in rows if row.get("sources")]


def _cells(table: Table) -> list[str]:
    """All rows' cells: the formatted value, its raw sort key, and its link when the row has one."""
    columns = [(col, escape(col.key), ' class="num"' if col.numeric else "") for col in table.columns]
    out = []
    for row in table.rows:
        cells = []
        for col, key, css in columns:
            value = row.get(col.key)
            if isinstance(value, dt.date):
                text = sort = value.isoformat()
            elif col.numeric and not isinstance(value, str):
                # Digits, separators, signs and dots need no escaping.
                text = formatting.percent(value) if col.kind == "percent" else formatting.number(value)
                sort = formatting.sort_key(value)
            else:
                text = sort = escape("" if value is None else value)
            link = row.get(col.link_key) if col.link_key else ""
            if link and value not in (None, ""):
                text = f'<a href="{escape(link)}">{text}</a>'
            cells.append(f'<td{css} data-sort="{sort}" data-key="{key}">{text}</td>')
        out.append("<tr>" + "".join(cells) + "</tr>")
    return out


def _empty(columns: int) -> SafeString:
    return format_html('<tr class="empty-row"><td class="empty" colspan="{}">{}</td></tr>', columns, _("暂无数据"))


@register.simple_tag
def table_body(table: Table) -> SafeString:
    if not table.rows:
        return _empty(len(table.columns))
    return mark_safe("\n".join(_cells(table)))  # noqa: S308 - every text value went through escape()


@register.simple_tag
def indicator_body(table: Table) -> SafeString:
    """The rows of an indicator table: computed values link to their records, reported ones to their sources."""
    if not table.rows:
        return _empty(9)
    code_title, not_summed, not_summed_title = escape(_("指标代码")), escape(_("不累加")), escape(
        _("存量或比率，不跨地区、期间累加"))
    records_title, sources_title = escape(_("查看计算所依据的记录")), escape(_("查看上报来源"))
    target_title = escape(_("查看目标任务"))
    not_computed, not_computed_title = escape(_("不计算")), escape(_("该指标无业务记录可计算，仅有上报数"))
    differs, stated = escape(_("计算值与填报值不一致")), escape(_("文中完成率与计算不符"))
    out = []
    for row in table.rows:
        code = escape(row["code"])
        name = escape(row["name"])
        last = f' <span class="tag" title="{not_summed_title}">{not_summed}</span>' if row["agg"] == "last" else ""
        computed = escape(formatting.number(row["computed"]))
        if row["computed"] is not None and row["records_url"]:
            computed = f'<a href="{escape(row["records_url"])}" title="{records_title}">{computed}</a>'
        elif not row["computable"]:
            computed = f'<span class="note" title="{not_computed_title}">{not_computed}</span>'
        target = escape(formatting.number(row["target"]))
        if row["target_url"]:
            target = f'<a href="{escape(row["target_url"])}" title="{target_title}">{target}</a>'
        last_year = escape(formatting.number(row["last_year"]))
        if row["last_year_url"] and row["last_year"] is not None:
            last_year = f'<a href="{escape(row["last_year_url"])}" title="{records_title}">{last_year}</a>'
        reported = escape(formatting.number(row["reported"]))
        if row["sources"]:
            reported = f'<a href="#src-{code}" title="{sources_title}">{reported}</a>'
        basis = f'<br><span class="note">{escape(row["basis"])}</span>' if row["basis"] else ""
        # A region's pairings' own targets and reported figures, summed: shown apart, never added in.
        for field, label in (("target_pairings", _("各结对目标合计")), ("reported_pairings", _("各结对上报合计"))):
            if row.get(field) is not None:
                note = (f'<br><span class="note" data-key="{field}" data-value="{escape(formatting.sort_key(row[field]))}">'
                        f'{escape(label)} {escape(formatting.number(row[field]))}</span>')
                if field == "target_pairings":
                    target += note
                else:
                    reported += note
        flags = (f'<span class="tag flag" data-flag="differs">{differs}</span>' if row["differs"] else "") + (
            f'<span class="tag flag" data-flag="stated-rate">{stated}</span>' if row["stated_rate_flag"] else "")

        def key(field: str, row: dict[str, Any] = row) -> str:
            return escape(formatting.sort_key(row[field]))

        empty = not any(row.get(f) for f in ("target", "computed", "reported", "last_year", "target_pairings",
                                             "reported_pairings"))
        out.append(
            f'<tr id="ind-{code}" data-code="{code}"{" data-empty" if empty else ""}>'
            f'<td data-sort="{name}">{name} <span class="tag" title="{code_title}">{code}</span>{last}</td>'
            f'<td>{escape(row["category"])}</td><td>{escape(row["unit"])}</td>'
            f'<td class="num" data-sort="{key("target")}" data-key="target">{target}</td>'
            f'<td class="num" data-sort="{key("computed")}" data-key="computed">{computed}</td>'
            f'<td class="num" data-sort="{key("reported")}" data-key="reported">{reported}</td>'
            f'<td class="num" data-sort="{key("last_year")}" data-key="last_year">{last_year}</td>'
            f'<td class="num" data-sort="{key("completion")}" data-key="completion">'
            f'{escape(formatting.percent(row["completion"]))}{basis}</td>'
            f'<td>{flags}</td></tr>'
        )
    return mark_safe("\n".join(out))  # noqa: S308 - every value above went through escape()


@register.simple_tag
def pairing_tree(nodes: list[dict[str, Any]]) -> SafeString:
    """The sub-pairings as nested lists, each linking to its own pairing page."""

    def render(level: list[dict[str, Any]], root: bool) -> str:
        items = []
        for node in level:
            status = f' <span class="note">{escape(node["status"])}</span>' if node["status"] else ""
            below = render(node["children"], False) if node["children"] else ""
            items.append(
                f'<li data-pairing="{int(node["id"])}"><span class="tag">{escape(node["kind"])}</span> '
                f'<a href="{escape(node["url"])}">{escape(node["label"])}</a>{status}{below}</li>'
            )
        return f'<ul class="tree{" root" if root else ""}">{"".join(items)}</ul>'

    return mark_safe(render(nodes, True))  # noqa: S308 - every value above went through escape()


@register.simple_tag
def export_url(page: Any, table: str, fmt: str) -> str:
    """This page's own URL with the export of one table in one format."""
    return "?" + page.params.query(year=page.year, export=table, fmt=fmt)


@register.simple_tag
def page_query(page: Any, **changes: Any) -> str:
    """This page's query string with some parameters changed (for links between years and codes)."""
    return "?" + page.params.query(year=page.year, **changes)
