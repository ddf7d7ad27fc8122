"""Pages of the review queue: upload or paste a report, review each proposed figure, accept or reject."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shanhai.accounts.scoping import visible
from shanhai.core.errors import ShanhaiError
from shanhai.evidence import review
from shanhai.evidence.forms import DocumentForm
from shanhai.evidence.models import ProposedFact, SourceDocument
from shanhai.evidence.presenting import dropped_rows, fact_row, indicator_options, shown
from shanhai.indicators.models import Indicator, Qualifier
from shanhai.network.models import Pairing


def _pairings(request: HttpRequest):  # noqa: ANN202 - a queryset
    return visible(request.user, Pairing.objects.select_related("east_region", "west_region", "east_org", "west_org")
                   .order_by("kind", "id"))


@login_required
def document_list(request: HttpRequest) -> HttpResponse:
    documents = review.documents_visible(request.user)[:200]
    return render(request, "evidence/list.html", {"documents": documents})


@login_required
def document_new(request: HttpRequest) -> HttpResponse:
    form = DocumentForm(request.POST or None, request.FILES or None, pairings=_pairings(request),
                        initial={"pairing": request.GET.get("pairing")})
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            document = review.document_ingest(
                user=request.user, pairing=form.cleaned_data["pairing"],
                data=upload.read() if upload else None, filename=upload.name if upload else "",
                text=form.cleaned_data["text"], title=form.cleaned_data["title"],
                published=form.cleaned_data["published"],
            )
        except ShanhaiError as e:
            form.add_error(e.field if e.field in form.fields else None, e.message)
            if e.code == "forbidden":
                return render(request, "evidence/new.html", {"form": form}, status=403)
        else:
            messages.success(request, _("已读取“%(title)s”，识别出 %(n)s 条数字，请逐条审核。") % {
                "title": document.title, "n": document.facts.count()})
            return redirect("evidence:review", document_id=document.pk)
    return render(request, "evidence/new.html", {"form": form})


def highlighted(document: SourceDocument, facts: list[ProposedFact]) -> SafeString:
    """The cleaned text with each fact's evidence span marked (overlapping spans share the first mark)."""
    text = document.text
    out: list[str] = []
    pos = 0
    for fact in sorted(facts, key=lambda f: (f.start, -f.end)):
        if fact.start < pos or fact.end > len(text):
            continue
        out.append(escape(text[pos:fact.start]))
        out.append(f'<mark id="fact-{fact.pk}" class="fact {fact.status}" title="{escape(fact.metric)}">'
                   f"{escape(text[fact.start:fact.end])}</mark>")
        pos = fact.end
    out.append(escape(text[pos:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece is escaped above


@login_required
def document_review(request: HttpRequest, document_id: int) -> HttpResponse:
    try:
        document = review.document_get(request.user, document_id)
    except ShanhaiError as e:
        raise Http404(e.message) from e
    facts = list(document.facts.select_related("east_region", "west_region", "reported_value"))
    indicators = {i.code: i for i in Indicator.objects.all()}
    rows = [fact_row(f, indicators.get(f.metric), review.fact_duplicates(f)) for f in facts]
    return render(request, "evidence/review.html", {
        "document": document, "rows": rows, "text": highlighted(document, facts),
        "indicators": indicator_options(list(indicators.values())), "qualifiers": Qualifier.choices,
        "dropped": dropped_rows(document.dropped or []),
    })


@login_required
@require_POST
def fact_decide(request: HttpRequest, fact_id: int, decision: str) -> HttpResponse:
    try:
        if decision == "accept":
            fact = review.fact_accept(
                user=request.user, fact_id=fact_id, metric=request.POST.get("metric"),
                value=request.POST.get("value"), period=request.POST.get("period"),
                qualifier=request.POST.get("qualifier"),
            )
            messages.success(request, _("已采纳：%(metric)s = %(value)s，已记为上报值。") % {
                "metric": fact.metric, "value": shown(fact.value)})
        else:
            fact = review.fact_reject(user=request.user, fact_id=fact_id)
            messages.info(request, _("已驳回：%(metric)s = %(value)s。") % {"metric": fact.metric, "value": shown(fact.value)})
    except ShanhaiError as e:
        if e.code == "not_found":
            raise Http404(e.message) from e
        if e.code == "forbidden":
            raise PermissionDenied(e.message) from e
        messages.error(request, e.message)
        fact = ProposedFact.objects.get(pk=fact_id)
    return redirect(reverse("evidence:review", args=[fact.document_id]) + f"#row-{fact.pk}")
