"""The model's own rules, checked in Python without a query: the fast path for million-row sheets.

`full_clean()` runs one query per check constraint per row (Django evaluates a `CheckConstraint`
in SQL). For placements and sales the fast path checks the same declared rules in Python instead:
each `CheckConstraint.condition` (a Q tree) is evaluated with SQL's three-valued logic (a NULL
comparison passes, as in the database and in Django's own validation), then the model's `clean()`
runs on a light instance. A rule this evaluator cannot read raises at start-up rather than being
skipped, and tests run both paths over the same bad rows.
"""

from __future__ import annotations

import ast
import datetime
import decimal
import inspect
import operator
import textwrap
from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, router
from django.db.models import F, Q
from django.db.models.base import ModelState
from django.db.models.expressions import DatabaseDefault

Tri = bool | None
_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "exact": operator.eq, "gt": operator.gt, "gte": operator.ge, "lt": operator.lt, "lte": operator.le,
}


class UnsupportedRule(NotImplementedError):
    pass


def _attname(model: type[models.Model], name: str) -> str:
    if "__" in name:
        raise UnsupportedRule(f"{model.__name__}: lookup across relations {name!r}")
    field = model._meta.get_field(name)
    return field.attname  # type: ignore[union-attr]


def _compile_lookup(model: type[models.Model], lookup: str, value: Any) -> Callable[[Any], Tri]:
    name, _, op = lookup.partition("__")
    op = op or "exact"
    attname = _attname(model, name)
    if op == "isnull":
        wanted = bool(value)
        return lambda obj: (getattr(obj, attname) is None) == wanted
    if op == "in":
        values = set(value)
        return lambda obj: None if getattr(obj, attname) is None else getattr(obj, attname) in values
    if op not in _OPS:
        raise UnsupportedRule(f"{model.__name__}: lookup {lookup!r}")
    compare = _OPS[op]
    if isinstance(value, F):
        other = _attname(model, value.name)

        def with_field(obj: Any) -> Tri:
            left, right = getattr(obj, attname), getattr(obj, other)
            return None if left is None or right is None else compare(left, right)

        return with_field
    if hasattr(value, "resolve_expression"):
        raise UnsupportedRule(f"{model.__name__}: expression in {lookup!r}")

    def with_value(obj: Any) -> Tri:
        left = getattr(obj, attname)
        return None if left is None or value is None else compare(left, value)

    return with_value


def compile_q(model: type[models.Model], q: Q) -> Callable[[Any], Tri]:
    """A function giving the Q condition's SQL truth value (True, False or None) for an instance."""
    parts = [compile_q(model, c) if isinstance(c, Q) else _compile_lookup(model, *c) for c in q.children]
    is_and = q.connector == Q.AND
    negated = q.negated

    def evaluate(obj: Any) -> Tri:
        results = [p(obj) for p in parts]
        if is_and:
            value: Tri = False if False in results else (None if None in results else True)
        else:
            value = True if True in results else (None if None in results else False)
        if negated and value is not None:
            value = not value
        return value

    return evaluate


def constraint_fields(q: Q) -> list[str]:
    """The model fields a Q condition reads, in order (to point an error at a column)."""
    names: list[str] = []
    for child in q.children:
        if isinstance(child, Q):
            names += constraint_fields(child)
        else:
            lookup, value = child
            names.append(lookup.split("__", 1)[0])
            if isinstance(value, F):
                names.append(value.name)
    return list(dict.fromkeys(names))


class ModelRules:
    """The declared rules of one model, compiled once: check constraints and `clean()`."""

    def __init__(self, model: type[models.Model]) -> None:
        self.model = model
        self.checks: list[tuple[Callable[[Any], Tri], str, list[str]]] = []
        for constraint in model._meta.constraints:
            if isinstance(constraint, models.CheckConstraint):
                self.checks.append((
                    compile_q(model, constraint.condition),
                    str(constraint.get_violation_error_message()),
                    constraint_fields(constraint.condition),
                ))
            elif not isinstance(constraint, models.UniqueConstraint):
                raise UnsupportedRule(f"{model.__name__}: {constraint!r}")
        self.fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        self._memo: dict[tuple[Any, ...], dict[str, list[str]]] = {}
        clean_reads = attributes_read_by_clean(model)
        if clean_reads is None:
            self.reads: tuple[str, ...] | None = None
        else:
            constraint_reads = {model._meta.get_field(n).attname for _, _, ns in self.checks for n in ns}
            self.reads = tuple(sorted(clean_reads | constraint_reads))
        self.defaults = {f.attname: f.get_default() for f in self.fields}  # "" for text, as Model() does
        self._plan: list[tuple[type[models.Model], models.BaseConstraint, Callable[[Any], Tri] | None,
                               frozenset[str]]] | None = None
        self._fields_plan: list[tuple[models.Field, dict[Any, Any] | None]] | None = None
        self._clean_memo: dict[tuple[Any, ...], Any] = {}

    def _constraint_plan(self) -> list[tuple[type[models.Model], Any, Callable[[Any], Tri] | None, frozenset[str]]]:
        """Every constraint full_clean validates, in its order: (model, constraint, Python check or None, fields)."""
        if self._plan is None:
            model = self.model
            groups = [(model, model._meta.constraints)] + [
                (parent, parent._meta.constraints) for parent in model._meta.all_parents if parent._meta.constraints
            ]
            plan = []
            for model_class, constraints in groups:
                names = {f.name for f in model_class._meta.local_concrete_fields} | {"pk"}
                for constraint in constraints:
                    check, reads = None, frozenset()
                    if isinstance(constraint, models.CheckConstraint):
                        reads = frozenset(constraint_fields(constraint.condition))
                        if reads <= names and "pk" not in reads:
                            try:
                                check = compile_q(model_class, constraint.condition)
                            except UnsupportedRule:
                                check = None
                    elif isinstance(constraint, models.UniqueConstraint):
                        reads = frozenset(constraint.fields)  # Django returns early when one is excluded
                    plan.append((model_class, constraint, check, reads))
            self._plan = plan
        return self._plan

    def _field_plan(self) -> list[tuple[models.Field, dict[Any, Any] | None]]:
        """Model fields in `clean_fields` order, each with a memo when its cleaning depends on the value alone."""
        if self._fields_plan is None:
            self._fields_plan = [(f, {} if _pure_field(f) else None) for f in self.model._meta.fields]
        return self._fields_plan

    def clean_fields(self, obj: models.Model, exclude: set[str]) -> None:
        """`Model.clean_fields`, step for step, with each field's `clean` worked out once per value.

        Only for Django's own field classes and validators (their outcome depends on the value alone),
        and only for immutable values of a few exact types; a Decimal or float is remembered by its
        text, so 1.0 and 1.000 (equal, but not for the decimal-places validator) stay apart.
        """
        errors = {}
        for f, memo in self._field_plan():
            if f.name in exclude or f.generated:
                continue
            raw_value = getattr(obj, f.attname)
            if f.blank and raw_value in f.empty_values:
                continue
            if isinstance(raw_value, DatabaseDefault):
                continue
            key = None
            if memo is not None:
                kind = raw_value.__class__
                if kind in _BY_VALUE:
                    key = (kind, raw_value)
                elif kind in _BY_TEXT:
                    key = (kind, str(raw_value))
            if key is None:
                try:
                    setattr(obj, f.attname, f.clean(raw_value, obj))
                except ValidationError as e:
                    errors[f.name] = e.error_list
                continue
            found = memo.get(key, _MISSING)
            if found is _MISSING:
                try:
                    found = (True, f.clean(raw_value, obj))
                except ValidationError as e:
                    found = (False, e.error_list)
                if len(memo) < 50_000:
                    memo[key] = found
            if found[0]:
                setattr(obj, f.attname, found[1])
            else:
                errors[f.name] = list(found[1])
        if errors:
            raise ValidationError(errors)

    def clean(self, obj: models.Model) -> None:
        """`obj.clean()`, run once per combination of the values it reads where `CLEAN_READS` lists them.

        Such a `clean()` reads related rows only through the listed ids (a region's path, an
        organisation's kind): rows that cannot change while one import checks its file, and a
        `ModelRules` lives for one import.
        """
        reads = CLEAN_READS.get(self.model._meta.label_lower)
        if reads is None:
            obj.clean()
            return
        data = obj.__dict__
        key = tuple([data.get(a) for a in reads])
        found = self._clean_memo.get(key, _MISSING)
        if found is _MISSING:
            try:
                obj.clean()
                found = None
            except ValidationError as e:
                found = dict(e.error_dict) if hasattr(e, "error_dict") else list(e.error_list)
            if len(self._clean_memo) < 50_000:
                self._clean_memo[key] = found
        if found is not None:
            raise ValidationError({k: list(v) for k, v in found.items()} if isinstance(found, dict) else list(found))

    def full_clean(self, obj: models.Model, exclude: Iterable[str] = ()) -> None:
        """`obj.full_clean(exclude=exclude, validate_unique=False)` without a query per check constraint.

        The same steps in the same order — `clean_fields`, `clean()`, then the constraints on the
        fields that passed — and the same errors. Django asks the database whether each check
        constraint's condition holds (one query per constraint per row); here the condition is
        evaluated in Python with SQL's three-valued logic (NULL passes, as Django's COALESCE(…, TRUE)),
        and skipped when it reads an excluded or failed field, exactly when Django skips it. Unique
        constraints, conditions this evaluator cannot read, and values it cannot compare are left to
        Django's own `validate` (a unique constraint reading an excluded field costs no query).
        """
        errors: dict[str, Any] = {}
        exclude = set(exclude)
        try:
            self.clean_fields(obj, exclude)
        except ValidationError as e:
            errors = e.update_error_dict(errors)
        try:
            self.clean(obj)
        except ValidationError as e:
            errors = e.update_error_dict(errors)
        exclude.update(name for name in errors if name != NON_FIELD_ERRORS)
        found: dict[str, Any] = {}
        using = None
        for model_class, constraint, check, reads in self._constraint_plan():
            try:
                if reads & exclude:
                    continue  # Django skips it: a FieldError for a check, an early return for a unique constraint
                if check is not None:
                    try:
                        holds = check(obj) is not False
                    except TypeError:  # values Python cannot order (never from the parsers): ask the database
                        holds = None
                    if holds is False:
                        raise ValidationError(constraint.get_violation_error_message(),
                                              code=constraint.violation_error_code)
                    if holds:
                        continue
                if using is None:
                    using = router.db_for_write(obj.__class__, instance=obj)
                constraint.validate(model_class, obj, exclude=exclude, using=using)
            except ValidationError as e:  # as Model.validate_constraints collects them
                if getattr(e, "code", None) == "unique" and len(getattr(constraint, "fields", ())) == 1:
                    found.setdefault(constraint.fields[0], []).append(e)
                else:
                    found = e.update_error_dict(found)
        if found:
            errors = ValidationError(found).update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def messages_to_fields(self) -> dict[str, list[str]]:
        """Constraint message → the fields it reads, the one the message names first leading.

        "「结束日期」不能早于「开始日期」" belongs to 结束日期: that is the cell to correct.
        """
        out = {}
        for _, message, names in self.checks:
            def position(name: str, message: str = message) -> int:
                label = str(self.model._meta.get_field(name).verbose_name)
                label = label.split("（")[0]
                found = message.find(label)
                return found if found >= 0 else len(message)

            out[message] = sorted(names, key=position)
        return out

    def instance(self, values: dict[str, Any]) -> models.Model:
        """A light, unsaved instance carrying `values` (attnames) without running Model.__init__."""
        obj = self.model.__new__(self.model)
        data = dict(self.defaults)
        data.update(values)
        obj.__dict__.update(data)
        obj._state = ModelState()
        return obj

    def errors(self, obj: models.Model) -> dict[str, list[str]]:
        """{field or NON_FIELD_ERRORS: messages}, as full_clean would report them.

        The outcome depends only on the attributes the rules read, so it is remembered per
        combination of those values: a million rows share a few hundred combinations.
        """
        reads = self.reads
        if reads is None:
            return self._errors(obj)
        data = obj.__dict__
        key = tuple([data[a] for a in reads])
        try:
            found = self._memo[key]
        except KeyError:
            found = self._errors(obj)
            if len(self._memo) < 200_000:
                self._memo[key] = found
        except TypeError:
            return self._errors(obj)
        return {k: list(v) for k, v in found.items()} if found else found

    def _errors(self, obj: models.Model) -> dict[str, list[str]]:
        errors: dict[str, list[str]] = {}
        try:
            obj.clean()
        except ValidationError as e:
            for name, messages in e.message_dict.items():
                errors.setdefault(name, []).extend(messages)
        for check, message, names in self.checks:
            # As full_clean: a constraint is not checked on fields that already failed.
            if any(name in errors for name in names):
                continue
            if check(obj) is False:
                errors.setdefault(NON_FIELD_ERRORS, []).append(message)
        return errors


_MISSING = object()

# What a model's clean() reads, where it follows relations (so `attributes_read_by_clean` cannot tell):
# the attributes and related ids that decide its outcome. Pairing.clean reads the kind, the programme
# (its provinces), both regions, both organisations, the parent, and its own id and path — nothing
# else (no place, date, status or domains). tests/transfer/test_general_rules.py compares it with
# Django's full_clean on random rows; a clean() that starts reading more must be listed here again.
CLEAN_READS: dict[str, tuple[str, ...]] = {
    "network.pairing": ("kind", "programme_id", "east_region_id", "west_region_id", "east_org_id", "west_org_id",
                        "parent_id", "id", "path"),
}
_BY_VALUE = frozenset({str, int, bool, type(None), datetime.date})  # hashable, and equal only when the same
_BY_TEXT = frozenset({decimal.Decimal, float})  # equal values that validators tell apart (1.0 and 1.000)
_CLEANING = ("clean", "to_python", "validate", "run_validators")


def _pure_field(f: models.Field) -> bool:
    """Whether `f.clean(value, instance)` depends on the value alone: Django's own field class and validators.

    A foreign key's validation asks the database whether the row it names exists (within a fixed
    `limit_choices_to`): the answer cannot change while one import checks its file, and a
    `ModelRules` lives for one import, so it is remembered too.
    """
    if f.is_relation and not (f.many_to_one and not callable(f.remote_field.limit_choices_to)):
        return False
    for name in _CLEANING:
        owner = next((k for k in type(f).__mro__ if name in k.__dict__), None)
        if owner is None or not owner.__module__.startswith("django."):
            return False
    return all(type(v).__module__.startswith("django.") for v in f.validators)


def attributes_read_by_clean(model: type[models.Model]) -> set[str] | None:
    """The `self.<name>` attributes `model.clean` reads, or None when it may read more than that.

    None when the source cannot be read, when `self` is passed on whole (a helper could read
    anything), or when a relation is followed (self.pairing.west_region): then nothing is memoised.
    """
    method = model.clean
    if method is models.Model.clean:
        return set()
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(method)))
    except (OSError, TypeError, SyntaxError):
        return None
    names: set[str] = set()
    attributes = {f.name: f for f in model._meta.concrete_fields} | {f.attname: f for f in model._meta.concrete_fields}
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self":
            if node.attr.startswith("get_") or node.attr.startswith("_"):
                continue
            field = attributes.get(node.attr)
            if field is None or (field.is_relation and node.attr == field.name):
                return None  # a method, a property or a related object: not a plain stored value
            names.add(field.attname)
        elif isinstance(node, ast.Name) and node.id == "self":
            parent_is_attribute = any(
                isinstance(p, ast.Attribute) and p.value is node for p in ast.walk(tree)
            )
            if not parent_is_attribute:
                return None
    return names
