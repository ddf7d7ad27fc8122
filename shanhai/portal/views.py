"""The public portal's pages (no login): thin adapters over `portal.selectors` and `portal.downloads`."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _

from shanhai.indicators.selectors import HEADLINE
from shanhai.network.models import PairingKind, Programme
from shanhai.portal import downloads, selectors
from shanhai.portal.caching import public
from shanhai.portal.disclosure import SMALL_COUNT, WITHHELD
from shanhai.regions.models import Region
from shanhai.web.formatting import number, percent, place, unit_label

MAP_CODE = "funds.fiscal"


def url(lang: str, name: str, *args: Any) -> str:
    return reverse(f"{'portal_en' if lang == 'en' else 'portal'}:{name}", args=args)


def _other(request: HttpRequest, lang: str) -> str:
    """The same page in the other language."""
    path = request.path
    return path.replace("/public/en/", "/public/", 1) if lang == "en" else path.replace("/public/", "/public/en/", 1)


def _programme(pk: int) -> Programme:
    programme = selectors.public_programme(pk)
    if programme is None:
        raise Http404(_("没有这个公开的协作项目。"))
    return programme


def _name(v: selectors.Value, lang: str) -> str:
    return (v.en or v.zh) if lang == "en" else v.zh


def _rows(vals: list[selectors.Value], lang: str) -> list[dict[str, str]]:
    return [{"code": v.code, "name": _name(v, lang), "unit": unit_label(v.unit),
             "value": WITHHELD if v.withheld else number(v.actual),
             "target": number(v.target), "completion": "—" if v.withheld else percent(v.completion),
             "basis": v.basis} for v in sorted(vals, key=lambda v: HEADLINE.index(v.code))]


def _years(history: list[tuple[int, list[selectors.Value]]], lang: str) -> list[dict[str, Any]]:
    return [{"year": y, "rows": _rows(vals, lang)} for y, vals in history]


def _page(request: HttpRequest, lang: str, template: str, **context: Any) -> HttpResponse:
    context.update(lang=lang, other=_other(request, lang), home=url(lang, "home"), data_url=url(lang, "data"),
                   small=SMALL_COUNT, withheld=WITHHELD)
    return render(request, f"portal/{template}", context)


@public
def home(request: HttpRequest, *, lang: str) -> HttpResponse:
    progs = [{"name": p.name, "url": url(lang, "programme", p.pk), "years": selectors.published_years(p)}
             for p in selectors.public_programmes()]
    return _page(request, lang, "home.html", programmes=progs)


@public
def programme(request: HttpRequest, programme: int, *, lang: str) -> HttpResponse:
    prog = _programme(programme)
    sides = selectors.provinces_of(prog)
    provinces = {side: [{"name": place(r.name), "url": url(lang, "province", prog.pk, r.code)} for r in regs]
                 for side, regs in sides.items()}
    index = Region.objects.filter(level="province")
    years = selectors.published_years(prog)
    config = {
        "dataUrl": url(lang, "map_data", prog.pk), "mapName": "china",
        "title": _("%(name)s结对关系图") % {"name": prog.name},
        "provinceUrls": {r.short_name: url(lang, "province", prog.pk, r.code) for r in index
                         if r in sides["west"] or r in sides["east"]},
        "provinceNames": {r.code: r.short_name for r in index},
        "regionUrls": {}, "bounds": None, "indicator": "", "unit": "",
        "labels": {"lines": _("结对关系"), "east": _("东部（支援方）"), "west": _("西部（受援方）"),
                   "value": _("数值"), "noData": _("暂无数据"), "open": _("点击打开结对页面"),
                   "count": _("共 %(n)s 条结对关系"), "failed": _("地图数据加载失败，请刷新重试。"),
                   "legend": _("颜色深浅：财政援助资金（元，最近审定年度，西部受援省份）"), "none": _("无数值"),
                   "outside": "", "from": "", "to": ""},
    }
    return _page(request, lang, "programme.html", programme=prog, provinces=provinces, config=config,
                 map_script=static("shanhai/vendor/maps/china.js"),
                 history=_years(selectors.headline(programme=prog), lang),
                 downloads=[{"year": y, "links": [(f"{n}.{f}", url(lang, "download", prog.pk, y, n, f))
                                                  for n in downloads.NAMES for f in downloads.FORMATS]}
                            for y in reversed(years)])


@public
def map_json(request: HttpRequest, programme: int, *, lang: str) -> HttpResponse:
    prog = _programme(programme)
    years = selectors.published_years(prog)
    lines = selectors.map_lines(prog)
    for line in lines:
        line["url"] = url(lang, "pairing", prog.pk, line["id"])
        line["kind_label"] = str(dict(PairingKind.choices).get(line["kind"], line["kind"]))
        line["label"] = f"{place(line['east']['name'])} — {place(line['west']['name'])}"
    regions = []
    if years:
        vals = selectors.province_values(prog, year=years[-1], code=MAP_CODE)
        by_code = {r.code: r for r in Region.objects.filter(code__in=list(vals))}
        regions = [{"code": c, "name": by_code[c].name, "lng": by_code[c].lng, "lat": by_code[c].lat,
                    "value": int(v) if v is not None else None} for c, v in vals.items()]
    return JsonResponse({"year": years[-1] if years else None, "code": MAP_CODE, "regions": regions, "lines": lines},
                        json_dumps_params={"ensure_ascii": False})


@public
def province(request: HttpRequest, programme: int, code: str, *, lang: str) -> HttpResponse:
    prog = _programme(programme)
    sides = selectors.provinces_of(prog)
    region = next((r for side in ("west", "east") for r in sides[side] if r.code == code), None)
    if region is None:
        raise Http404(_("该省份不在这个协作项目中。"))
    side = "west" if region in sides["west"] else "east"
    pairs = [{"label": f"{place(p.east.name)} — {place(p.west.name)}", "kind": str(dict(PairingKind.choices)[p.kind]),
              "url": url(lang, "pairing", prog.pk, p.id)} for p in selectors.pairings(prog, province=region)]
    return _page(request, lang, "province.html", programme=prog, region=place(region.name), side=side,
                 programme_url=url(lang, "programme", prog.pk), pairings=pairs,
                 history=_years(selectors.headline(programme=prog, region=region, side=side), lang))


@public
def pairing(request: HttpRequest, programme: int, pairing_id: int, *, lang: str) -> HttpResponse:
    prog = _programme(programme)
    p = selectors.public_pairing(prog, pairing_id)
    if p is None:
        raise Http404(_("没有这个结对关系。"))
    kinds = dict(PairingKind.choices)
    subs = [{"kind": str(kinds[s.kind]), "east": s.east_unit, "west": s.west_unit}
            for s in selectors.sub_pairings(p)]
    projects = [{"name": x.name, "location": place(x.location.name), "budget": number(x.budget),
                 "allocated": number(x.allocated), "disbursed": number(x.disbursed),
                 "status": x.status} for x in selectors.projects(prog, pairing=p)]
    parent = url(lang, "pairing", prog.pk, p.parent_id) if p.parent_id else ""
    return _page(request, lang, "pairing.html", programme=prog, programme_url=url(lang, "programme", prog.pk),
                 label=f"{place(p.east_region.name)} — {place(p.west_region.name)}",
                 kind=str(kinds[p.kind]), parent=parent, subs=subs, projects=projects,
                 history=_years(selectors.headline(programme=prog, pairing=p), lang))


@public
def data_dictionary(request: HttpRequest, *, lang: str) -> HttpResponse:
    tables = [{"name": name, "columns": [(c, _(d)) for c, d in cols]} for name, cols in downloads.COLUMNS.items()]
    progs = []
    for p in selectors.public_programmes():
        years = selectors.published_years(p)
        progs.append({"name": p.name, "years": [
            {"year": y, "links": [(f"{n}.{f}", url(lang, "download", p.pk, y, n, f))
                                  for n in downloads.NAMES for f in downloads.FORMATS]} for y in reversed(years)]})
    return _page(request, lang, "data.html", tables=tables, programmes=progs)


@public
def download(request: HttpRequest, programme: int, year: int, name: str, fmt: str, *, lang: str) -> HttpResponse:
    prog = _programme(programme)
    if name not in downloads.NAMES or fmt not in downloads.FORMATS or year not in selectors.published_years(prog):
        raise Http404(_("没有这个公开数据文件。"))
    body, content_type = downloads.render(name, fmt, prog, year)
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="shanhai-{prog.pk}-{year}-{name}.{fmt}"'
    return response
