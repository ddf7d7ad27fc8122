"""Names in a sheet → rows in the database: regions, programmes, organisations, pairings, projects.

Every lookup is exact or refused: a name that fits nothing, or more than one thing, gives a
Chinese reason naming the candidates; nothing is guessed. Pairings are looked up only among the
pairings the importing user may see (`visible`), so a sheet can never write outside its scope.
Results are cached per import: a million-row sheet naming forty pairings resolves forty times.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Field, Model, QuerySet
from django.db.models.base import ModelState
from django.db.models.signals import post_init, pre_init

from shanhai.accounts.scoping import visible
from shanhai.accounts.writes import WriteGuard
from shanhai.economy.models import IndustrialPark
from shanhai.network.models import Organisation, Pairing, PairingKind, Programme
from shanhai.people.models import Person
from shanhai.projects.models import Project
from shanhai.regions.lookup import resolve_region
from shanhai.regions.models import Region

_SPACES = re.compile(r"[\s\u3000]+")
_CODED = re.compile(r"\(([a-z0-9_.]+)\)$")


_INIT_DEFAULTS: dict[type[Model], tuple[dict[str, Any], list[Field]]] = {}


def new_instance(model: type[Model], **values: Any) -> Any:
    """`model(**values)` for a sheet row's new record (a person), without Model.__init__'s per-field
    dispatch: each field at its default (callable defaults called), then `values` set through the
    model's attributes as __init__ sets them. Through __init__ when init signals are listened to."""
    if pre_init.has_listeners(model) or post_init.has_listeners(model):
        return model(**values)
    found = _INIT_DEFAULTS.get(model)
    if found is None:
        plain = {f.attname: f.get_default() for f in model._meta.concrete_fields
                 if not (f.has_default() and callable(f.default))}
        found = _INIT_DEFAULTS[model] = (plain, [f for f in model._meta.concrete_fields
                                                 if f.has_default() and callable(f.default)])
    obj = model.__new__(model)
    obj.__dict__.update(found[0])
    for f in found[1]:
        obj.__dict__[f.attname] = f.get_default()
    obj._state = ModelState()
    for name, value in values.items():
        setattr(obj, name, value)
    return obj


class RefError(Exception):
    """A reference that cannot be resolved; `column` names which column it belongs to."""

    def __init__(self, column: str, reason: str) -> None:
        super().__init__(reason)
        self.column = column
        self.reason = reason


def norm_name(value: str) -> str:
    """How names are compared: NFKC (full-width → half-width) without spaces."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", value or ""))


_REGION_LEVEL_KINDS = {PairingKind.PROVINCE, PairingKind.PREFECTURE, PairingKind.COUNTY}


class Resolver:
    """Cached lookups for one import, within what `user` may see (None: the command line, no limit)."""

    def __init__(self, user: User | AnonymousUser | None) -> None:
        self.user = user
        self._cache: dict[tuple[Any, ...], Any] = {}
        self.row_cache: dict[tuple[Any, ...], Any] = {}  # pairing columns as written → (pairing, errors)
        self.created_pairings: list[Pairing] = []  # pairings created earlier in the same file
        self.people: dict[tuple[Any, ...], Person] = {}
        self.people_new: list[Person] = []
        self.people_changed: dict[int, tuple[Person, set[str]]] = {}
        self.people_old: dict[int, dict[str, str]] = {}  # stored values of people a file changes, as shown
        self.people_where: dict[int, tuple[str, int]] = {}  # (sheet, row) that first changed each person
        self.people_writable: dict[int, bool] = {}  # whether the user may change each person as stored
        self._seen_people: dict[int, bool] = {}
        self.where: tuple[str, int] = ("", 0)  # the row being built (set by the engine)
        self.guard = WriteGuard(user)  # the one write rule (accounts.writes); None: the command line
        self._created_seen = 0
        self._created_levels: list[Pairing] = []
        self._people_by_hash: dict[str, Person | None] = {}  # read ahead by people_prefetch
        self._people_by_name: dict[str, dict[int | None, list[Person]]] = {}
        self._pairing_objs: dict[int, Pairing] = {}  # stored pairings read so far, by id
        self._orgs_written: dict[tuple[str, tuple[int, ...]], Organisation | RefError] = {}
        self._indicators_written: dict[str, Any] = {}

    def _cached(self, key: tuple[Any, ...], compute: Any) -> Any:
        try:
            result = self._cache[key]
        except KeyError:
            try:
                result = compute()
            except RefError as e:
                result = e
            self._cache[key] = result
        if isinstance(result, RefError):
            raise result
        return result

    def pairings(self) -> QuerySet[Pairing]:
        qs = Pairing.objects.select_related("programme", "east_region", "west_region", "east_org", "west_org")
        return qs if self.user is None else visible(self.user, qs)

    # ---- regions and programmes ---------------------------------------------------------------

    def region(self, name: str, column: str, label: str, *, within: Region | None = None) -> Region:
        def compute() -> Region:
            resolution = resolve_region(name)
            if resolution.ambiguous and within is not None:
                narrowed = resolve_region(name, within=within)
                if narrowed.region is not None:
                    return narrowed.region
            message = resolution.error(label)
            if message:
                raise RefError(column, message)
            assert resolution.region is not None
            return resolution.region

        return self._cached(("region", norm_name(name), within.pk if within else None), compute)

    def programme(self, name: str, column: str) -> Programme:
        def compute() -> Programme:
            wanted = norm_name(name)
            # Names compared here (as normalised), then only the match read whole: a database of many
            # programmes is not read with its provinces for each spelling a sheet uses.
            names = self._cached(("programme_names",), lambda: [
                (pk, norm_name(n)) for pk, n in Programme.objects.values_list("pk", "name")])
            ids = [pk for pk, normalised in names if normalised == wanted]
            # With its provinces: Pairing.clean reads them for every row of a pairing sheet.
            found = list(Programme.objects.prefetch_related("east_provinces", "west_provinces").filter(pk__in=ids)) if ids else []
            if len(found) != 1:
                names = "、".join(p.name for p in Programme.objects.all()[:10])
                raise RefError(column, f"「协作项目」“{name}”不存在；已有：{names or '（无）'}。")
            return found[0]

        return self._cached(("programme", norm_name(name)), compute)

    def indicator(self, text: str, column: str) -> Any:
        """An indicator of the catalogue by its code (train.talent.people) or its Chinese name."""
        from shanhai.indicators.models import Indicator

        def compute() -> Any:
            wanted = norm_name(text)
            # "财政援助资金（funds.fiscal）", as exports write it, is read back by its code
            coded = _CODED.search(unicodedata.normalize("NFKC", text.strip()))
            code = coded.group(1) if coded else text.strip()
            catalogue = self._cached(("indicators",), lambda: [(i, norm_name(i.zh)) for i in Indicator.objects.all()])
            found = [i for i, zh in catalogue if i.code == code or zh == wanted]
            if len(found) != 1:
                what = "不在指标目录中" if not found else "对应多个指标，请填写指标代码"
                raise RefError(column, f"「指标」“{text}”{what}。")
            return found[0]

        written = self._indicators_written.get(text)  # a sheet names a few indicators thousands of times
        if written is None:
            try:
                written = self._cached(("indicator", norm_name(text)), compute)
            except RefError as e:
                written = e
            self._indicators_written[text] = written
        if isinstance(written, RefError):
            raise written
        return written

    # ---- organisations ------------------------------------------------------------------------

    def org(self, name: str, column: str, label: str, *, within: tuple[Region, ...] | Region | None) -> Organisation:
        """The organisation called `name` located in (one of) `within`; refused when none or several."""
        regions = (within,) if isinstance(within, Region) else tuple(within or ())

        def compute() -> Organisation:
            spellings = frozenset({name.strip(), norm_name(name)})
            found = self._cached(  # by name once, then narrowed to each row's regions
                ("orgs_named", spellings),
                lambda: list(Organisation.objects.select_related("region").filter(name__in=spellings)),
            )
            if regions:
                found = [o for o in found if any(r.contains(o.region) for r in regions)]
            where = "、".join(r.name for r in regions)
            if not found:
                suffix = f"（在{where}范围内）" if where else ""
                raise RefError(column, f"「{label}」“{name}”未找到对应单位{suffix}；请先导入单位表或核对名称。")
            if len(found) > 1:
                names = "、".join(f"{o.name}（{o.region.full_name}）" for o in found[:6])
                raise RefError(column, f"「{label}」“{name}”对应多个单位：{names}；请改用能区分的名称。")
            return found[0]

        # By the name as written first: a sheet repeats a few work units thousands of times, and
        # normalising the name (NFKC) each time cost more than the lookup (the outcome is the same).
        written = (name, tuple(r.pk for r in regions))
        found = self._orgs_written.get(written)
        if found is None:
            try:
                found = self._cached(("org", norm_name(name), written[1]), compute)
            except RefError as e:
                found = e
            self._orgs_written[written] = found
        if isinstance(found, RefError):
            raise found
        return found

    # ---- pairings -----------------------------------------------------------------------------

    def pairing_by_id(self, pk: int, column: str) -> Pairing:
        def compute() -> Pairing:
            found = self.pairings().filter(pk=pk).first()
            if found is None:
                raise RefError(column, f"「结对编号」{pk}不存在，或不在您的数据范围内。")
            self._pairing_objs.setdefault(found.pk, found)
            return found

        return self._cached(("pairing_id", pk), compute)

    def pairing(
        self,
        *,
        east: Region,
        west: Region,
        programme: Programme | None,
        kind: str | None,
        east_org: str,
        west_org: str,
        east_place: str,
        west_place: str,
        column: str,
    ) -> Pairing:
        """The one pairing these columns name, among those the user may see."""

        def compute() -> Pairing:
            ids = self.pairing_ids(east=east, west=west, programme=programme, kind=kind, east_org=east_org,
                                   west_org=west_org, east_place=east_place, west_place=west_place)
            if len(ids) == 1 and ids[0] in self._pairing_objs:  # read ahead with its batch (pairings_prefetch)
                found = [self._pairing_objs[ids[0]]]
            else:
                found = list(self.pairings().filter(pk__in=ids)) if ids else []  # in the model's ordering, as before
                self._pairing_objs.update((p.pk, p) for p in found)
            found += [
                p for p in self.created_pairings
                if p.east_region_id == east.pk and p.west_region_id == west.pk
                and (programme is None or p.programme_id == programme.pk) and (not kind or p.kind == kind)
                and p.east_place == east_place.strip() and p.west_place == west_place.strip()
                and _org_matches(p.east_org, east_org) and _org_matches(p.west_org, west_org)
            ]
            label = _pairing_label(east, west, east_org, west_org, east_place, west_place)
            if not found:
                raise RefError(
                    column,
                    f"未找到结对关系“{label}”，或它不在您的数据范围内；请先导入结对关系，或核对地区、单位名称。",
                )
            if len(found) > 1:
                names = "；".join(f"{p.programme.name}·{p.get_kind_display()}（编号{p.pk}）" for p in found[:6])
                raise RefError(
                    column, f"“{label}”对应多个结对关系：{names}；请填写「协作项目」「结对类型」或「结对编号」加以区分。"
                )
            return found[0]

        key = ("pairing", east.pk, west.pk, programme.pk if programme else None, kind,
               norm_name(east_org), norm_name(west_org), norm_name(east_place), norm_name(west_place))
        return self._cached(key, compute)

    def pairing_ids(self, *, east: Region, west: Region, programme: Programme | None, kind: str | None,
                    east_org: str, west_org: str, east_place: str, west_place: str) -> list[int]:
        """The ids of the stored pairings (the user may see) these columns name."""
        # The pairings between the two regions are listed once (ids and what tells them apart), then
        # narrowed here as the query did: a sheet names hundreds of them between the same regions.
        between = self._cached(("pairings_between", east.pk, west.pk), lambda: _by_places(
            self.pairings().filter(east_region=east, west_region=west).values_list(*_BETWEEN)))
        return [pk for pk, programme_id, pairing_kind, e_org, w_org
                in between.get((east_place.strip(), west_place.strip()), ())
                if (programme is None or programme_id == programme.pk) and (not kind or pairing_kind == kind)
                and _org_name_matches(e_org, east_org) and _org_name_matches(w_org, west_org)]

    def between_prefetch(self, pairs: set[tuple[int, int]]) -> None:
        """List the pairings between many (east, west) region pairs in one query per 500 pairs (as
        `pairing_ids` lists them one pair at a time): a sheet names a hundred county pairs."""
        wanted = sorted(pair for pair in pairs if ("pairings_between", *pair) not in self._cache)
        for i in range(0, len(wanted), 500):
            chunk = wanted[i:i + 500]
            grouped: dict[tuple[int, int], list[tuple[Any, ...]]] = {pair: [] for pair in chunk}
            rows = self.pairings().filter(east_region_id__in={e for e, _ in chunk}, west_region_id__in={w for _, w in chunk})
            for east_id, west_id, *rest in rows.values_list("east_region_id", "west_region_id", *_BETWEEN):
                if (east_id, west_id) in grouped:  # in the model's ordering within each pair, as one query a pair
                    grouped[(east_id, west_id)].append(tuple(rest))
            for (east_id, west_id), found in grouped.items():
                self._cache[("pairings_between", east_id, west_id)] = _by_places(found)

    def pairings_prefetch(self, ids: set[int]) -> None:
        """Read the pairings of these ids (the user may see) in one query per 2,000, for `pairing`."""
        wanted = sorted(i for i in ids if i not in self._pairing_objs)
        for i in range(0, len(wanted), 2000):
            self._pairing_objs.update((p.pk, p) for p in self.pairings().filter(pk__in=wanted[i:i + 2000]))

    def pairings_read(self) -> list[int]:
        """The ids of the stored pairings read so far (the rows' pairings), in the order first read."""
        return list(self._pairing_objs)

    def parent_pairing(self, pairing: Pairing) -> Pairing | None:
        """The region-level pairing of the same programme that most closely contains a sub-pairing."""
        if pairing.kind in _REGION_LEVEL_KINDS and pairing.kind == PairingKind.PROVINCE:
            return None

        created = self._created_region_level()

        def compute() -> Pairing | None:
            stored = self._cached(  # read once per programme: the database does not change while a file is checked
                ("region_level", pairing.programme_id),
                lambda: list(self.pairings().filter(programme=pairing.programme, kind__in=_REGION_LEVEL_KINDS)),
            )
            candidates = [
                p for p in stored
                + [p for p in created if p.programme_id == pairing.programme_id]
                if p.east_region.contains(pairing.east_region) and p.west_region.contains(pairing.west_region)
                and not (p.east_region_id == pairing.east_region_id and p.west_region_id == pairing.west_region_id
                         and p.kind == pairing.kind)
                and (p.pk is None or p.pk != pairing.pk)  # a pairing created earlier in the file has no pk yet
            ]
            if not candidates:
                return None
            depth = max(len(p.east_region.path) + len(p.west_region.path) for p in candidates)
            deepest = {id(p): p for p in candidates if len(p.east_region.path) + len(p.west_region.path) == depth}
            return next(iter(deepest.values())) if len(deepest) == 1 else None

        return self._cached(
            ("parent", pairing.programme_id, pairing.kind, pairing.east_region_id, pairing.west_region_id,
             len(created)),  # only a new region-level pairing can change the answer
            compute,
        )

    def _created_region_level(self) -> list[Pairing]:
        """The region-level pairings among `created_pairings` (which only grows), kept up to date."""
        if self._created_seen < len(self.created_pairings):
            self._created_levels.extend(p for p in self.created_pairings[self._created_seen:]
                                        if p.kind in _REGION_LEVEL_KINDS)
            self._created_seen = len(self.created_pairings)
        return self._created_levels

    # ---- things that belong to a pairing ------------------------------------------------------

    def _by_name(self, model: Any, pairing: Pairing) -> dict[str, list[Any]]:
        """A pairing's projects (or parks) by normalised name, in the model's order: read once per pairing."""
        def compute() -> dict[str, list[Any]]:
            out: dict[str, list[Any]] = {}
            for obj in model.objects.filter(pairing=pairing):
                out.setdefault(norm_name(obj.name), []).append(obj)
            return out

        return self._cached(("by_name", model.__name__, pairing.pk), compute)

    def project(self, name: str, pairing: Pairing, column: str) -> Project:
        def compute() -> Project:
            found = self._by_name(Project, pairing).get(norm_name(name), [])
            if len(found) != 1:
                what = "未找到" if not found else "有多个同名"
                raise RefError(column, f"结对关系“{pairing}”下{what}帮扶项目“{name}”；请先导入帮扶项目或核对名称。")
            return found[0]

        return self._cached(("project", pairing.pk, norm_name(name)), compute)

    def park(self, name: str, pairing: Pairing, column: str) -> IndustrialPark:
        def compute() -> IndustrialPark:
            found = self._by_name(IndustrialPark, pairing).get(norm_name(name), [])
            if len(found) != 1:
                what = "未找到" if not found else "有多个同名"
                raise RefError(column, f"结对关系“{pairing}”下{what}产业园区“{name}”。")
            return found[0]

        return self._cached(("park", pairing.pk, norm_name(name)), compute)

    # ---- people -------------------------------------------------------------------------------

    _PERSON_FIELDS = ("name", "gender", "title", "organisation", "profession", "id_number_hash", "id_number_masked",
                      "phone_hash", "phone_masked")

    def orgs_prefetch(self, names: list[str]) -> None:
        """Read the organisations a batch of rows names in one query per 500 names (as `org` looks them up)."""
        wanted: dict[frozenset[str], None] = {}
        for name in names:
            if name:
                spellings = frozenset({name.strip(), norm_name(name)})
                if ("orgs_named", spellings) not in self._cache:
                    wanted[spellings] = None
        batch = list(wanted)
        for i in range(0, len(batch), 500):
            chunk = batch[i:i + 500]
            by_name: dict[str, list[Organisation]] = {}
            for o in Organisation.objects.select_related("region").filter(name__in={n for sp in chunk for n in sp}):
                by_name.setdefault(o.name, []).append(o)
            for spellings in chunk:  # in the order one query per name would give (the model's ordering)
                found = [o for n in spellings for o in by_name.get(n, [])]
                found.sort(key=lambda o: (o.name, o.pk))
                self._cache[("orgs_named", spellings)] = found

    def people_prefetch(self, hashes: list[str], names: list[str]) -> None:
        """Read the stored people a batch of rows names in a few queries (by identity-number hash, by name)."""
        wanted = sorted({h for h in hashes if h not in self._people_by_hash})
        for i in range(0, len(wanted), 500):
            chunk = wanted[i:i + 500]
            found = {p.id_number_hash: p for p in Person.objects.filter(id_number_hash__in=chunk)}
            self._people_by_hash.update({h: found.get(h) for h in chunk})
        wanted = sorted({n for n in names if n not in self._people_by_name})
        for i in range(0, len(wanted), 500):
            chunk = wanted[i:i + 500]
            by_name: dict[str, dict[int | None, list[Person]]] = {n: {} for n in chunk}
            for p in Person.objects.filter(name__in=chunk):
                by_name[p.name].setdefault(p.organisation_id, []).append(p)
            self._people_by_name.update(by_name)

    def _stored_person(self, id_number_hash: str) -> Person | None:
        if id_number_hash in self._people_by_hash:
            return self._people_by_hash[id_number_hash]
        return Person.objects.filter(id_number_hash=id_number_hash).first()

    def _stored_people(self, name: str, organisation: Organisation | None) -> list[Person]:
        """Up to two stored people of this name and work unit (two: the name does not tell them apart)."""
        if name in self._people_by_name:
            return self._people_by_name[name].get(organisation.pk if organisation is not None else None, [])[:2]
        return list(Person.objects.filter(name=name, organisation=organisation)[:2])

    def person(self, candidate: Person) -> Person:
        """The person a row describes: by identity-number hash, else by name and work unit; new if none.

        The same person on several rows of one file is one Person; an existing person takes the
        non-blank details the row gives (recorded in history when written).
        """
        if candidate.id_number_hash:
            key: tuple[Any, ...] = ("id", candidate.id_number_hash)
        else:
            key = ("name", norm_name(candidate.name), candidate.organisation_id)
        person = self.people.get(key)
        if person is None:
            if candidate.id_number_hash:
                person = self._stored_person(candidate.id_number_hash)
                if person is not None and not self._may_see(person):
                    # Matched only among the people the user may see; elsewhere, the same words as the
                    # API's uniqueness error: nothing about who or where.
                    raise RefError("id_number", IDENTITY_TAKEN)
            else:
                found = self._stored_people(candidate.name, candidate.organisation)
                if any(not self._may_see(p) for p in found):
                    raise RefError("name", f"“{candidate.organisation}”已有名叫“{candidate.name}”的人员，且不在您的数据范围内；"
                                           "请填写身份证号加以区分。")
                if len(found) > 1:
                    raise RefError("name", f"“{candidate.organisation}”有多名叫“{candidate.name}”的人员；请填写身份证号加以区分。")
                person = found[0] if found else None
            if person is None:
                person = candidate
                refused = self.guard.errors(person, action="add")
                if refused:
                    raise RefError("person_org" if person.organisation_id else "name", refused[0])
                self.people_new.append(person)
            self.people[key] = person
        if person is not candidate:
            if person.pk is not None and person.pk not in self.people_old:
                self.people_old[person.pk] = {n: _shown_person(person, n) for n in self._SHOWN_PERSON}
                self.people_writable[person.pk] = self.guard.state_ok(person)  # as stored, before this file
            changed: set[str] = set()
            for name in self._PERSON_FIELDS:
                value = getattr(candidate, name)
                if name == "organisation":
                    if candidate.organisation_id is not None and candidate.organisation_id != person.organisation_id:
                        person.organisation = candidate.organisation
                        changed.add(name)
                elif value not in ("", None, "other") and value != getattr(person, name):
                    setattr(person, name, value)
                    changed.add(name)
            if changed and person.pk is not None:
                if not self.people_writable.get(person.pk, False):
                    raise RefError("name", "此行会修改一名已有人员的信息（姓名、工作单位等），但该人员不在您可填报的数据范围内；"
                                           "请核对，或请其所在地区的填报员更正。")
                refused = self.guard.errors(person, action="change")
                if refused:
                    raise RefError("person_org", refused[0])
                self.people_changed.setdefault(person.pk, (person, set()))[1].update(changed)
                self.people_where.setdefault(person.pk, self.where)
        return person

    def _may_see(self, person: Person) -> bool:
        """People are matched only among those the user may see (the command line sees all)."""
        if self.user is None or self.guard.national:
            return True
        if person.pk not in self._seen_people:
            self._seen_people[person.pk] = visible(self.user, Person.objects.filter(pk=person.pk)).exists()
        return self._seen_people[person.pk]

    _SHOWN_PERSON = {"name": "姓名", "gender": "性别", "title": "职务/职称", "organisation": "工作单位",
                     "profession": "专业类别", "id_number_masked": "身份证号", "phone_masked": "手机号"}

    def people_updates(self) -> list[tuple[Person, list[tuple[str, str, str]]]]:
        """Each existing person a file changes, with (field, old, new) as the check step shows them."""
        out = []
        for pk, (person, names) in self.people_changed.items():
            old = self.people_old.get(pk, {})
            fields = [(label, old.get(n, ""), _shown_person(person, n)) for n, label in self._SHOWN_PERSON.items()
                      if (n in names or n.replace("_masked", "_hash") in names) and old.get(n, "") != _shown_person(person, n)]
            if fields:
                out.append((person, fields))
        return out

    def write_people(self, user: User | None, reason: str) -> None:
        from simple_history.utils import bulk_update_with_history

        if self.people_new:  # one COPY/executemany and one INSERT … SELECT of history (transfer.bulk)
            from django.utils import timezone

            from shanhai.transfer import bulk

            now = timezone.now()
            bulk.assign_ids(self.people_new)
            bulk.insert(Person, self.people_new, now=now)
            bulk.history(Person, [p.pk for p in self.people_new], "+", now=now, user=user, reason=reason)
        if self.people_changed:
            objs = [p for p, _ in self.people_changed.values()]
            fields = sorted({n for _, names in self.people_changed.values() for n in names})
            bulk_update_with_history(objs, Person, fields, batch_size=500, default_user=user,
                                     default_change_reason=reason)

    # ---- writing scope ------------------------------------------------------------------------

    def may_write_region(self, region: Region) -> bool:
        """Whether the user may write things located in `region` (the guard's region scopes)."""
        return self.guard.region_open(region)


IDENTITY_TAKEN = "已有相同身份证号的人员。"  # Person's uniqueness message, word for word


def _shown_person(person: Person, name: str) -> str:
    if name == "organisation":
        return person.organisation.name if person.organisation_id is not None and person.organisation else ""
    if name in ("gender", "profession"):
        return str(getattr(person, f"get_{name}_display")()) if getattr(person, name) else ""
    return str(getattr(person, name) or "")


_BETWEEN = ("pk", "programme_id", "kind", "east_place", "west_place", "east_org__name", "west_org__name")


def _by_places(rows: Any) -> dict[tuple[str, str], list[tuple[Any, ...]]]:
    """(pk, programme, kind, east place, west place, east unit, west unit) rows grouped by their two places."""
    out: dict[tuple[str, str], list[tuple[Any, ...]]] = {}
    for pk, programme_id, kind, east_place, west_place, east_org, west_org in rows:
        out.setdefault((east_place, west_place), []).append((pk, programme_id, kind, east_org, west_org))
    return out


def _org_name_matches(org_name: str | None, name: str) -> bool:
    """`_org_matches` on the organisation's name (None: no organisation)."""
    if not name.strip():
        return org_name is None
    return org_name is not None and norm_name(org_name) == norm_name(name)


def _org_matches(org: Organisation | None, name: str) -> bool:
    if not name.strip():
        return org is None
    return org is not None and norm_name(org.name) == norm_name(name)


def _pairing_label(east: Region, west: Region, east_org: str, west_org: str, east_place: str, west_place: str) -> str:
    left = east_org or east_place or east.name
    right = west_org or west_place or west.name
    if left != east.name:
        left = f"{east.name}·{left}"
    if right != west.name:
        right = f"{west.name}·{right}"
    return f"{left} — {right}"
