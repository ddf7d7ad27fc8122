"""The forms to post and edit needs and offers: places and units typed as names, resolved the one way."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from shanhai.core.errors import ShanhaiError
from shanhai.matching.models import Listing, Need, Offer
from shanhai.network.models import Organisation
from shanhai.regions.lookup import find_region

FIELDS = ("kind", "title", "subject", "level", "quantity", "unit", "amount", "start_date", "end_date", "domain",
          "visibility", "expires_on", "description")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ListingForm(forms.ModelForm):
    region_name = forms.CharField(label=_("所在地区"), max_length=64,
                                  help_text=_("区划全称、简称或曾用名均可，如紫云自治县"))
    organisation_name = forms.CharField(label=_("单位"), max_length=128, required=False,
                                        help_text=_("所在地区内的单位名称；可不填"))

    class Meta:
        model = Listing
        fields = FIELDS
        widgets = {"start_date": DATE, "end_date": DATE, "expires_on": DATE,
                   "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        obj = self.instance
        if obj.pk is not None:
            self.fields["region_name"].initial = obj.region.name
            self.fields["organisation_name"].initial = obj.organisation.name if obj.organisation_id else ""
        order = ["region_name", "organisation_name", *FIELDS]
        self.order_fields(order)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        region = None
        if data.get("region_name"):
            try:
                region = find_region(data["region_name"], label="所在地区")
            except ShanhaiError as e:
                self.add_error("region_name", e.message)
        org = None
        if region is not None and data.get("organisation_name"):
            org = (Organisation.objects.filter(name=data["organisation_name"].strip(),
                                               region__path__startswith=region.path).first())
            if org is None:
                self.add_error("organisation_name",
                               f"{region.name}没有名为“{data['organisation_name']}”的单位；请核对名称，或先在单位中登记。")
        if region is not None:
            self.instance.region = region
        self.instance.organisation = org
        return data

    def _post_clean(self) -> None:
        # the model's own rules (organisation inside the region, the pairing's side) run on the full record
        if self.instance.region_id is None and "region_name" not in self.errors:
            return
        super()._post_clean()


class NeedForm(ListingForm):
    class Meta(ListingForm.Meta):
        model = Need


class OfferForm(ListingForm):
    class Meta(ListingForm.Meta):
        model = Offer
