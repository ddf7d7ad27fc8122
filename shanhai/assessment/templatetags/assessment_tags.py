"""Template filters of the assessment pages."""

from typing import Any

from django import template

from shanhai.assessment.models import Grade

register = template.Library()


@register.filter
def grade(value: Any) -> str:
    """A grade (stored as 好/较好/一般/差) in the page's language; a dash when there is none yet."""
    return str(Grade(value).label) if value in Grade.values else (str(value) if value else "—")


_PUNCT_EN = {"：": ": ", "；": "; ", "（": " (", "）": ")", "、": ", ", "　": "  "}


@register.simple_tag
def punct(mark: str) -> str:
    """Full-width punctuation between data on a page (人名：理由): itself on Chinese pages, its English form on
    English ones."""
    from shanhai.web.formatting import english

    return _PUNCT_EN.get(mark, mark) if english() else mark
