"""Thin views for /match/: parse, make one selector or service call, render (issue 12)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shanhai.accounts.writes import WriteGuard
from shanhai.core.errors import ShanhaiError
from shanhai.matching import partners as partner_search
from shanhai.matching import selectors, services
from shanhai.matching.forms import NeedForm, OfferForm
from shanhai.matching.models import OPEN_MATCH_STATES, ListingState, Match, Need, Offer
from shanhai.network.models import Programme

View = Callable[..., HttpResponse]
MODELS = {"need": Need, "offer": Offer}
FORMS = {"need": NeedForm, "offer": OfferForm}


def refusals(view: View) -> View:
    """Login required; a refusal is an error page on a GET, a message on the page it came from on a POST."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except (ShanhaiError, ValidationError) as error:
            message = error.message if isinstance(error, ShanhaiError) else "；".join(error.messages)
            back = request.POST.get("back", "")
            if request.method == "POST" and back.startswith("/match/"):
                messages.error(request, message)
                return redirect(back)
            status = 403 if getattr(error, "code", "") == "forbidden" else 400
            return render(request, "web/error.html", {"message": message}, status=status)

    return login_required(wrapped)


def _get(request: HttpRequest, model: type[Any], pk: int, *, market: bool = True) -> Any:
    """A listing the user may see: their own, or (to read) one the market shows them."""
    found = selectors.own(request.user, model).filter(pk=pk).first()
    if found is None and market:
        found = selectors.market(request.user, model).filter(pk=pk).first()
    if found is None:
        raise ShanhaiError(f"{model._meta.verbose_name}{pk}不存在，或不在您的数据范围内。", code="forbidden")
    return found


@refusals
def index(request: HttpRequest) -> HttpResponse:
    user = request.user
    guard = WriteGuard(user)
    needs = [n for n in selectors.own(user, Need).order_by("-created_at")[:200] if services.side_ok(user, n, guard)]
    offers = [o for o in selectors.own(user, Offer).order_by("-created_at")[:200] if services.side_ok(user, o, guard)]
    return render(request, "matching/index.html", {
        "needs": needs, "offers": offers, "matches": _rows(user, selectors.matches(user)), "may_add": guard.role_error(Need, "add") is None,
        "back": request.path,
    })


def _rows(user: Any, matches: Any) -> list[dict[str, Any]]:
    """Proposals with the sides the user answers for that still have to answer."""
    rows = []
    for m in matches.order_by("-created_at")[:200]:
        sides = sorted(services.decider_sides(user, m))
        rows.append({"match": m, "waiting": [s for s in sides if _waiting(m, s)]})
    return rows


def _waiting(match: Match, side: str) -> bool:
    """Whether `side` still has to answer this proposal."""
    if match.state not in OPEN_MATCH_STATES:
        return False
    return match.state != ("need_accepted" if side == "need" else "offer_accepted")


@refusals
def market(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    needs = selectors.market(request.user, Need)
    offers = selectors.market(request.user, Offer)
    if kind:
        needs, offers = needs.filter(kind=kind), offers.filter(kind=kind)
    return render(request, "matching/market.html", {
        "needs": needs.order_by("expires_on")[:200], "offers": offers.order_by("expires_on")[:200],
        "kinds": Need._meta.get_field("kind").choices, "kind": kind,
    })


@refusals
def listing_edit(request: HttpRequest, side: str, pk: int | None = None) -> HttpResponse:
    model, form_class = MODELS[side], FORMS[side]
    obj = _get(request, model, pk, market=False) if pk else model()
    if pk and not services.side_ok(request.user, obj):
        raise ShanhaiError("只有发布方可以修改。", code="forbidden")
    if request.method == "POST":
        form = form_class(request.POST, instance=obj)
        if form.is_valid():
            listing = form.instance
            if listing.pk is None and listing.pairing_id is None:
                listing.pairing = _scope_pairing(request)
            try:
                services.listing_save(request.user, listing)
            except ValidationError as e:
                for field, errors in e.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("已保存。"))
                return redirect(reverse(f"matching:{side}", args=[listing.pk]))
    else:
        form = form_class(instance=obj, initial=_initial(request) if not pk else None)
    return render(request, "matching/edit.html", {"form": form, "side": side, "obj": obj})


def _scope_pairing(request: HttpRequest) -> Any:
    """An institution reporter (a pairing scope only) posts through their pairing."""
    scopes = list(request.user.scopes.select_related("pairing"))  # type: ignore[union-attr]
    if scopes and all(s.pairing_id for s in scopes):
        return scopes[0].pairing
    return None


def _initial(request: HttpRequest) -> dict[str, Any]:
    scope = request.user.scopes.select_related("region", "pairing__west_region").first()  # type: ignore[union-attr]
    if scope is None:
        return {}
    if scope.region_id:
        return {"region_name": scope.region.name}
    return {"region_name": scope.pairing.west_region.name}


@refusals
@require_POST
def listing_withdraw(request: HttpRequest, side: str, pk: int) -> HttpResponse:
    obj = _get(request, MODELS[side], pk, market=False)
    services.listing_withdraw(request.user, obj)
    messages.success(request, _("已撤回。"))
    return redirect(reverse(f"matching:{side}", args=[pk]))


@refusals
def need_detail(request: HttpRequest, pk: int) -> HttpResponse:
    need = _get(request, Need, pk)
    mine = services.side_ok(request.user, need)
    ranked = selectors.rank_offers(request.user, need) if need.state == ListingState.OPEN else []
    proposed = {m.offer_id: m for m in need.matches.exclude(state="declined")}
    return render(request, "matching/need.html", {
        "need": need, "mine": mine, "ranked": ranked, "proposed": proposed,
        "match_rows": _rows(request.user, selectors.matches(request.user).filter(need=need)), "back": request.path,
    })


@refusals
def offer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    offer = _get(request, Offer, pk)
    return render(request, "matching/offer.html", {
        "offer": offer, "mine": services.side_ok(request.user, offer),
        "match_rows": _rows(request.user, selectors.matches(request.user).filter(offer=offer)),
        "back": request.path,
    })


@refusals
@require_POST
def propose(request: HttpRequest, pk: int, offer: int) -> HttpResponse:
    need = _get(request, Need, pk, market=False)
    if not services.side_ok(request.user, need):
        raise ShanhaiError("只有需求方可以为这条需求提议对接。", code="forbidden")
    found = selectors.market(request.user, Offer).filter(pk=offer).first()
    if found is None:
        raise ShanhaiError(f"资源{offer}不存在、已过期，或您无权查看。", code="forbidden")
    services.match_propose(request.user, need, found)
    messages.success(request, _("已提议对接，等待双方确认。"))
    return redirect(reverse("matching:need", args=[pk]))


@refusals
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    match = selectors.matches(request.user).filter(pk=pk).first()
    if match is None:
        raise ShanhaiError(f"对接{pk}不存在，或不在您的数据范围内。", code="forbidden")
    accept = request.POST.get("decision") == "accept"
    names = [n for n in request.POST.get("names", "").replace("，", "、").replace(",", "、").split("、") if n.strip()]
    match = services.match_decide(request.user, match, accept=accept, side=request.POST.get("side") or None,
                                  names=names)
    messages.success(request, _("已接受。") if accept else _("已谢绝。"))
    back = request.POST.get("back", "")
    return redirect(back if back.startswith("/match/") else reverse("matching:index"))


@refusals
def assign(request: HttpRequest) -> HttpResponse:
    programmes = Programme.objects.order_by("name")
    programme_id = request.POST.get("programme") or request.GET.get("programme")
    province = (request.POST.get("province") or request.GET.get("province") or "").strip()
    result = None
    if programme_id:
        if province and not (province.isdigit() and len(province) == 6):
            raise ShanhaiError("「省份」应为6位区划代码，如520000。")
        commit = request.method == "POST"
        result = services.assignment_propose(request.user, programme_id=int(programme_id), province_code=province,
                                             commit=commit)
        if commit:
            messages.success(request, _("已生成%(n)d项对接提议。") % {"n": len(result["created"])})
            return redirect(reverse("matching:index"))
    return render(request, "matching/assign.html", {
        "programmes": programmes, "programme": int(programme_id) if programme_id else None, "province": province,
        "result": result,
    })


@refusals
def partners(request: HttpRequest) -> HttpResponse:
    q = partner_search.PartnerQuery.from_params(request.GET)
    return render(request, "matching/partners.html", {
        "q": q, "units": partner_search.search(request.user, q) if q.given else [],
        "kinds": partner_search.ORG_KINDS,
    })
