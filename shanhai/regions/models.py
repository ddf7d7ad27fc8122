from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Level(models.TextChoices):
    PROVINCE = "province", _("省级")
    PREFECTURE = "prefecture", _("地级")
    COUNTY = "county", _("县级")


class Region(models.Model):
    """An administrative division: province, prefecture or county, with its 6-digit code.

    `path` holds the codes from the province down ("520000/520400/520425/"), so a subtree is one
    indexed prefix query — the scoping function and every roll-up rely on it.
    """

    code = models.CharField(_("区划代码"), max_length=6, unique=True)
    name = models.CharField(_("名称"), max_length=64, db_index=True)
    short_name = models.CharField(_("简称"), max_length=32, blank=True)
    level = models.CharField(_("级别"), max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(_("层级路径"), max_length=64, db_index=True, editable=False)
    lng = models.FloatField(_("经度"))
    lat = models.FloatField(_("纬度"))

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = pgettext_lazy("plural", "行政区划")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def full_name(self) -> str:
        """The name with its ancestors, as people write it on forms: 贵州省安顺市紫云苗族布依族自治县."""
        names: list[str] = []
        node: Region | None = self
        while node is not None:
            names.append(node.name)
            node = node.parent
        return "".join(reversed(names))

    @property
    def province_code(self) -> str:
        return self.path.split("/", 1)[0]

    def contains(self, other: "Region") -> bool:
        return other.path.startswith(self.path)


class AliasKind(models.TextChoices):
    FORMER_NAME = "former_name", _("曾用名")
    FORMER_CODE = "former_code", _("曾用代码")
    SHORT = "short", _("简称")


class RegionAlias(models.Model):
    """Another name (or former code) under which people find a region: 水城县, 520221, 紫云."""

    alias = models.CharField(_("别名"), max_length=64, db_index=True)
    region = models.ForeignKey(Region, verbose_name=_("行政区划"), on_delete=models.CASCADE, related_name="aliases")
    kind = models.CharField(_("类型"), max_length=16, choices=AliasKind.choices)
    note = models.CharField(_("说明"), max_length=128, blank=True)

    class Meta:
        verbose_name = _("区划别名")
        verbose_name_plural = pgettext_lazy("plural", "区划别名")
        constraints = [models.UniqueConstraint(fields=["alias", "region", "kind"], name="regionalias_unique")]

    def __str__(self) -> str:
        return f"{self.alias} → {self.region}"
