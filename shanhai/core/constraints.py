"""Database constraints that double as model validation.

Django's `full_clean()` validates model constraints and reports `violation_error_message`, so one
declaration gives the same Chinese message in the admin, imports and the API, and the database
refuses what slips past (bulk inserts, raw SQL).
"""

from django.db import models
from django.db.models import F, Q


def non_negative(model: str, field: str, label: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{field}__gte": 0}),
        name=f"{model}_{field}_non_negative",
        violation_error_message=f"「{label}」不能为负数。",
        violation_error_code="negative",
    )


def ordered_dates(model: str, start: str, end: str, start_label: str, end_label: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{start}__isnull": True})
        | Q(**{f"{end}__isnull": True})
        | Q(**{f"{end}__gte": F(start)}),
        name=f"{model}_{end}_after_{start}",
        violation_error_message=f"「{end_label}」不能早于「{start_label}」。",
        violation_error_code="date_order",
    )
