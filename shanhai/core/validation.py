"""Validation rules shared by several models."""

import datetime as dt

from shanhai.network.models import Pairing


def within_pairing_dates(
    pairing: Pairing, dates: dict[str, tuple[str, dt.date | None]]
) -> dict[str, str]:
    """Errors for each date (field → (label, value)) outside the pairing's start and end."""
    errors = {}
    for field, (label, value) in dates.items():
        if value is None:
            continue
        if pairing.start_date and value < pairing.start_date:
            errors[field] = f"「{label}」{value:%Y-%m-%d}早于结对开始日期{pairing.start_date:%Y-%m-%d}。"
        elif pairing.end_date and value > pairing.end_date:
            errors[field] = f"「{label}」{value:%Y-%m-%d}晚于结对结束日期{pairing.end_date:%Y-%m-%d}。"
    return errors
