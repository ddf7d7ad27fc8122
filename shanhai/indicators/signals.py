"""Keep the roll-ups right when records change one at a time (admin, forms, API, services).

For every model a rule reads (rules.rules_by_model): before a save, remember the record's old
pairing and year; after the save or delete, refresh the old and new (pairing, year). A pairing
that moves (parent, regions or programme change) takes its whole subtree's values out of the old
ancestors and regions and puts them under the new ones. Bulk writes send no signals: their
callers use `rollups_refresh_for` (or `rollups_deferred`) afterwards.
"""

from typing import Any

from django.db.models import Model
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

from shanhai.indicators.rollups import (
    Place,
    places,
    rollups_active,
    rollups_refresh_for,
    rollups_restore,
    rollups_retract,
    rollups_touch,
)
from shanhai.indicators.rules import Rule, rules_by_model
from shanhai.network.models import Pairing, Programme

MOVE_FIELDS = ("parent_id", "programme_id", "east_region_id", "west_region_id")


def _year_of(rules: list[Rule], obj: Model) -> int | None:
    return rules[0].year_of(obj)


def _record_pre_save(sender: type[Model], instance: Model, raw: bool = False, **_: Any) -> None:
    if raw or instance.pk is None or not rollups_active():
        return
    rules = rules_by_model()[sender]
    old = sender._default_manager.filter(pk=instance.pk).first()
    if old is not None:
        instance._rollup_old = (getattr(old, rules[0].pairing_id_field), _year_of(rules, old))  # type: ignore[attr-defined]


def _record_post_save(sender: type[Model], instance: Model, raw: bool = False, **_: Any) -> None:
    if raw:
        return
    rules = rules_by_model()[sender]
    new = (getattr(instance, rules[0].pairing_id_field), _year_of(rules, instance))
    old = getattr(instance, "_rollup_old", None)
    codes = [r.code for r in rules]  # only this model's indicators can have changed
    for pid, year in {new, old} - {None}:
        rollups_touch(pid, year, codes)


def _record_post_delete(sender: type[Model], instance: Model, **_: Any) -> None:
    rules = rules_by_model()[sender]
    rollups_touch(getattr(instance, rules[0].pairing_id_field), _year_of(rules, instance), [r.code for r in rules])


def _pairing_pre_save(sender: type[Model], instance: Pairing, raw: bool = False, **_: Any) -> None:
    _record_pre_save(sender, instance, raw)
    if raw or instance.pk is None or not rollups_active():
        return
    old = Pairing.objects.filter(pk=instance.pk).values("path", *MOVE_FIELDS).first()
    if old is None or all(old[f] == getattr(instance, f) for f in MOVE_FIELDS):
        return
    subtree = dict(Pairing.objects.filter(path__startswith=old["path"]).values_list("id", "path"))
    rollups_retract(subtree, places(subtree))
    instance._rollup_moved = (old["path"], subtree)  # type: ignore[attr-defined]


def _pairing_post_save(sender: type[Model], instance: Pairing, raw: bool = False, **_: Any) -> None:
    moved = getattr(instance, "_rollup_moved", None)
    if moved is not None:
        del instance._rollup_moved  # type: ignore[attr-defined]
        old_root, subtree = moved
        # Pairing.save rewrites the paths only after this signal: work out the new ones here.
        parent_path = Pairing.objects.filter(pk=instance.parent_id).values_list("path", flat=True).first() or ""
        new_root = f"{parent_path}{instance.pk}/"
        now = places(subtree)
        where = {pid: Place(new_root + path[len(old_root):], now[pid].programme_id, now[pid].east_path,
                            now[pid].west_path) for pid, path in subtree.items()}
        rollups_restore(subtree, where)
    _record_post_save(sender, instance, raw)


def _pairing_pre_delete(sender: type[Model], instance: Pairing, **_: Any) -> None:
    if not rollups_active():
        return
    rollups_retract([instance.pk], places([instance.pk]))


def _programme_pre_save(sender: type[Model], instance: Programme, raw: bool = False, **_: Any) -> None:
    if raw or instance.pk is None or not rollups_active():
        return
    old = Programme.objects.filter(pk=instance.pk).values_list("end_year", flat=True).first()
    instance._rollup_end_changed = old != instance.end_year  # type: ignore[attr-defined]


def _programme_post_save(sender: type[Model], instance: Programme, raw: bool = False, **_: Any) -> None:
    # Pairings without an end date are in force up to their programme's last year.
    if raw or not getattr(instance, "_rollup_end_changed", False):
        return
    del instance._rollup_end_changed  # type: ignore[attr-defined]
    codes = [r.code for r in rules_by_model()[Pairing] if r.in_force]
    ids = list(Pairing.objects.filter(programme=instance, end_date__isnull=True).values_list("id", flat=True))
    rollups_refresh_for(ids, None, codes=codes)


def connect() -> None:
    for model in rules_by_model():
        if model is Pairing:
            continue
        uid = f"indicators:{model._meta.label}"
        pre_save.connect(_record_pre_save, sender=model, dispatch_uid=uid)
        post_save.connect(_record_post_save, sender=model, dispatch_uid=uid)
        post_delete.connect(_record_post_delete, sender=model, dispatch_uid=uid)
    pre_save.connect(_pairing_pre_save, sender=Pairing, dispatch_uid="indicators:pairing")
    post_save.connect(_pairing_post_save, sender=Pairing, dispatch_uid="indicators:pairing")
    pre_delete.connect(_pairing_pre_delete, sender=Pairing, dispatch_uid="indicators:pairing")
    pre_save.connect(_programme_pre_save, sender=Programme, dispatch_uid="indicators:programme")
    post_save.connect(_programme_post_save, sender=Programme, dispatch_uid="indicators:programme")
