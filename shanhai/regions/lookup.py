"""Find a region by any name people write: official, short, former, with or without its parents.

紫云, 紫云县, 紫云自治县 and 贵州省安顺市紫云苗族布依族自治县 all find 520425; 水城县 (renamed 2020)
finds 水城区; 广州市南沙区 finds 440115. A name that fits two regions is reported as ambiguous with
the candidates, never guessed. The index is built once per process from the database and dropped
whenever regions or aliases change.
"""

import re
import threading
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from shanhai.core.errors import ShanhaiError
from shanhai.regions.models import Region, RegionAlias

_SPACES = re.compile(r"\s+")


def normalise_name(name: str) -> str:
    return _SPACES.sub("", unicodedata.normalize("NFKC", name or ""))


@dataclass(frozen=True)
class Resolution:
    query: str
    candidates: tuple[Region, ...] = field(default_factory=tuple)

    @property
    def region(self) -> Region | None:
        return self.candidates[0] if len(self.candidates) == 1 else None

    @property
    def ambiguous(self) -> bool:
        return len(self.candidates) > 1

    def error(self, label: str = "地区") -> str | None:
        """The Chinese message a form or an import row shows, or None when resolved."""
        if self.region is not None:
            return None
        if not self.candidates:
            return f"「{label}」“{self.query}”未找到对应的行政区划，请写全称（如：贵州省安顺市紫云苗族布依族自治县）。"
        names = "、".join(f"{r.full_name}（{r.code}）" for r in self.candidates[:6])
        return f"「{label}」“{self.query}”对应多个行政区划：{names}，请写明上级地区。"


class RegionIndex:
    """All names and aliases in memory: a lookup costs no query once built."""

    def __init__(self, regions: list[Region], aliases: list[tuple[str, int]]) -> None:
        self.by_id = {r.id: r for r in regions}
        for r in regions:  # wire parents from the same objects so full_name costs no query
            if r.parent_id is not None:
                r.parent = self.by_id.get(r.parent_id)
        self.by_code = {r.code: r for r in regions}
        names: dict[str, set[int]] = defaultdict(set)
        for r in regions:
            names[normalise_name(r.name)].add(r.id)
        for alias, region_id in aliases:
            if region_id in self.by_id:
                names[normalise_name(alias)].add(region_id)
        self.names = dict(names)
        self.max_len = max((len(n) for n in self.names), default=0)

    @classmethod
    def build(cls) -> "RegionIndex":
        regions = list(Region.objects.all())
        aliases = list(RegionAlias.objects.values_list("alias", "region_id"))
        return cls(regions, aliases)

    def _exact(self, name: str, within: Region | None) -> list[Region]:
        found = [self.by_id[i] for i in self.names.get(name, ())]
        if within is not None:
            found = [r for r in found if r.path.startswith(within.path) and r.id != within.id]
        return found

    def _resolve(self, name: str, within: Region | None) -> list[Region]:
        exact = self._exact(name, within)
        if exact:
            return exact
        # A composite name: peel a leading region name (广州市|南沙区) and look for the rest inside it.
        results: dict[int, Region] = {}
        for cut in range(min(len(name) - 1, self.max_len), 1, -1):
            head, tail = name[:cut], name[cut:]
            for parent in self._exact(head, within):
                if parent.level == "county":
                    continue
                for region in self._resolve(tail, parent):
                    results[region.id] = region
            if results:
                break
        return list(results.values())

    def resolve(self, name: str, *, within: Region | None = None, level: str | None = None) -> Resolution:
        query = normalise_name(name)
        if not query:
            return Resolution(query=name)
        if query.isdigit() and len(query) == 6:
            region = self.by_code.get(query)
            found = [region] if region else self._exact(query, within)
        else:
            found = self._resolve(query, within)
        if level is not None:
            found = [r for r in found if r.level == level]
        found = sorted({r.id: r for r in found}.values(), key=lambda r: r.code)
        return Resolution(query=name, candidates=tuple(found))


_lock = threading.Lock()
_index: RegionIndex | None = None


def get_index() -> RegionIndex:
    global _index
    with _lock:
        if _index is None:
            _index = RegionIndex.build()
        return _index


def clear_index() -> None:
    global _index
    with _lock:
        _index = None


def resolve_region(name: str, *, within: Region | None = None, level: str | None = None) -> Resolution:
    return get_index().resolve(name, within=within, level=level)


def find_region(name: str, *, label: str = "地区", level: str | None = None) -> Region:
    """The one region `name` means, or a ShanhaiError in Chinese (not found / ambiguous)."""
    resolution = resolve_region(name, level=level)
    message = resolution.error(label)
    if message:
        raise ShanhaiError(message, code="ambiguous" if resolution.ambiguous else "not_found")
    assert resolution.region is not None
    return resolution.region


@receiver([post_save, post_delete], sender=Region)
@receiver([post_save, post_delete], sender=RegionAlias)
def _drop_index(**_: object) -> None:
    clear_index()
