from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from shanhai.accounts.admin_scoping import ScopedAdmin
from shanhai.core.errors import ShanhaiError
from shanhai.people.models import Dispatch, Mentorship, Person, Team
from shanhai.people.services import person_set_identity


class PersonForm(forms.ModelForm):
    # Write-only: the clear value never reaches the database, the history or a page.
    id_number = forms.CharField(label=_("身份证号"), required=False, help_text=_("仅保存加密摘要与脱敏号码"))
    phone = forms.CharField(label=_("手机号"), required=False, help_text=_("仅保存加密摘要与脱敏号码"))

    class Meta:
        model = Person
        fields = ("name", "gender", "organisation", "profession", "title")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for field in ("id_number", "phone"):
            value = data.get(field)
            if value:
                try:
                    person_set_identity(self.instance, **{field: value})
                except ShanhaiError as e:
                    self.add_error(field, e.message)
        return data


@admin.register(Person)
class PersonAdmin(ScopedAdmin):
    form = PersonForm
    pairing_field = None
    list_display = ("name", "gender", "organisation", "profession", "title", "id_number_masked", "phone_masked")
    list_filter = ("profession", "gender")
    search_fields = ("name", "organisation__name")
    readonly_fields = ("id_number_masked", "phone_masked")
    autocomplete_fields = ("organisation",)
    list_select_related = ("organisation",)


@admin.register(Dispatch)
class DispatchAdmin(ScopedAdmin):
    year_field = "planned_start"
    list_display = ("person", "pairing", "direction", "category", "profession", "post", "planned_start", "planned_end")
    list_filter = ("direction", "category", "profession")
    search_fields = ("person__name", "post")
    autocomplete_fields = ("person", "pairing", "host")
    list_select_related = ("person", "pairing__east_region", "pairing__west_region", "pairing__east_org", "pairing__west_org")


@admin.register(Team)
class TeamAdmin(ScopedAdmin):
    year_field = "start_date"
    list_display = ("name", "pairing", "domain", "host", "leader", "start_date", "end_date")
    list_filter = ("domain",)
    search_fields = ("name", "host__name")
    autocomplete_fields = ("pairing", "host", "leader", "members")


@admin.register(Mentorship)
class MentorshipAdmin(ScopedAdmin):
    year_field = "start_date"
    list_display = ("mentor", "apprentice", "pairing", "domain", "start_date")
    search_fields = ("mentor__name", "apprentice__name")
    autocomplete_fields = ("pairing", "mentor", "apprentice")

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).select_related("mentor", "apprentice")
