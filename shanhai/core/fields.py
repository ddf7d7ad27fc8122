"""Model fields shared by several apps."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Domain(models.TextChoices):
    EDUCATION = "education", _("教育")
    HEALTH = "health", _("医疗卫生")
    INDUSTRY = "industry", _("产业合作")
    LABOUR = "labour", _("劳务协作")
    CONSUMPTION = "consumption", _("消费帮扶")
    TALENT = "talent", _("干部人才")
    RURAL = "rural", _("乡村振兴")
    CULTURE = "culture", _("文化旅游")
    SCIENCE = "science", _("科技")
    ECOLOGY = "ecology", _("生态")


class DomainsField(models.JSONField):
    """A list of focus domains, stored as JSON, edited as checkboxes, validated against `Domain`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("default", list)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def validate(self, value: Any, model_instance: models.Model | None) -> None:
        super().validate(value, model_instance)
        if value in (None, []):
            return
        valid = set(Domain.values)
        if not isinstance(value, list) or any(v not in valid for v in value):
            bad = value if not isinstance(value, list) else [v for v in value if v not in valid]
            raise ValidationError(
                f"「{self.verbose_name}」含有不认识的领域：{bad}；可选：{'、'.join(str(label) for label in Domain.labels)}。",
                code="invalid_domain",
            )

    def formfield(self, **kwargs: Any) -> forms.Field:
        return forms.TypedMultipleChoiceField(
            choices=Domain.choices,
            required=not self.blank,
            label=self.verbose_name,
            widget=forms.CheckboxSelectMultiple,
        )


def money_field(verbose_name: str, **kwargs: Any) -> models.BigIntegerField:
    """Money is whole yuan in a 64-bit integer: never a float (the catalogue's rule)."""
    kwargs.setdefault("default", 0)
    return models.BigIntegerField(verbose_name, help_text=_("单位：元（整数）"), **kwargs)
