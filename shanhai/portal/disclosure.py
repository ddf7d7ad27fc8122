"""The one small-count rule of everything public (pages, downloads, the anonymous API, interchange).

A count of people between 1 and SMALL_COUNT − 1 could point at someone (the two doctors a county sent
one year): it is shown as "<3" and its value withheld; so is a completion rate computed from it, which
with a published target would give the count back. Zero and larger counts are shown as they are.
Money, sessions, units and pairings are not counts of people and are never withheld.
"""

from __future__ import annotations

from decimal import Decimal

SMALL_COUNT = 3
# Catalogue units that count people (person_time counts attendances, not people).
PEOPLE_UNITS = frozenset({"person"})
WITHHELD = f"<{SMALL_COUNT}"

Number = int | Decimal


def withheld(value: Number | None, unit: str) -> bool:
    """True when `value` is a small count of people that the public may not see."""
    return unit in PEOPLE_UNITS and value is not None and 0 < value < SMALL_COUNT


def shown(value: Number | None, unit: str) -> Number | None:
    """The value the public sees (None when withheld: say WITHHELD instead)."""
    return None if withheld(value, unit) else value
