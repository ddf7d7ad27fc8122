"""Build the report fonts shipped in shanhai/reports/fonts/ (run by hand; nothing is fetched at run time).

Sources (openly licensed, SIL OFL 1.1), from Debian 12 packages installed for the build:
  fonts-noto-cjk      Noto Serif CJK SC (body, the open stand-in for 仿宋/宋体), Noto Sans CJK SC (黑体)
  fonts-lxgw-wenkai   LXGW WenKai (楷体)
Each is subset with fontTools to GB 2312 (6,763 characters), ASCII, CJK and full-width punctuation and every
character of the shipped division table's names, so place names print without tofu. A subset is a modified
font, so each is renamed (Shanhai Serif / Sans / Kai): the OFL keeps reserved names ("LXGW", "霞鹜") for the
originals. Licence texts: shanhai/reports/fonts/LICENSE-OFL.txt.

    .venv/bin/python tools/build_report_fonts.py
"""

from __future__ import annotations

import contextlib
import csv
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "shanhai" / "reports" / "fonts"
SOURCES = {
    "ShanhaiSerif-Regular.otf": ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", "Noto Serif CJK SC"),
    "ShanhaiSans-Regular.otf": ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", "Noto Sans CJK SC"),
    "ShanhaiKai-Regular.ttf": ("/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf", None),
}


def characters() -> str:
    chars = {chr(c) for c in range(0x20, 0x7F)}
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            with contextlib.suppress(UnicodeDecodeError):
                chars.add(bytes([hi, lo]).decode("gb2312"))
    chars.update("—–…·“”‘’《》〈〉【】（）、。，；：？！％～ 　×÷±≥≤①②③④⑤")
    for path in (ROOT / "shanhai" / "regions" / "data").glob("*.csv"):
        with path.open(encoding="utf-8") as fh:
            for row in csv.reader(fh):
                chars.update("".join(row))
    return "".join(sorted(c for c in chars if c.isprintable()))


def _load(src: str, family: str | None) -> TTFont:
    if src.endswith(".ttc"):
        for font in TTCollection(src).fonts:
            if font["name"].getDebugName(1) == family:
                return font
        raise SystemExit(f"{family} not in {src}")
    return TTFont(src)


def rename(font: TTFont, family: str) -> None:
    """Give a subset its own family name (OFL: a modified font may not carry a reserved name)."""
    style = font["name"].getDebugName(2) or "Regular"
    for rec in list(font["name"].names):
        if rec.nameID in (1, 3, 4, 6, 16, 17, 21, 22):
            font["name"].removeNames(nameID=rec.nameID)
    for nid, value in ((1, family), (2, style), (3, f"{family}-{style}"), (4, f"{family} {style}"),
                       (6, f"{family.replace(' ', '')}-{style}")):
        font["name"].setName(value, nid, 3, 1, 0x409)
        font["name"].setName(value, nid, 1, 0, 0)
    if "CFF " in font:
        font["CFF "].cff.fontNames = [f"{family.replace(' ', '')}-{style}"]


FAMILY = {"ShanhaiSerif": "Shanhai Serif", "ShanhaiSans": "Shanhai Sans", "ShanhaiKai": "Shanhai Kai"}


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    text = characters()
    for name, (src, family) in SOURCES.items():
        font = _load(src, family)
        options = subset.Options()
        options.layout_features = ["*"]
        options.name_IDs = ["*"]
        options.notdef_outline = True
        sub = subset.Subsetter(options)
        sub.populate(text=text)
        sub.subset(font)
        rename(font, FAMILY[name.split("-")[0]])
        font.save(OUT / name)
        print(name, (OUT / name).stat().st_size // 1024, "KB", len(font.getBestCmap()), "characters")


if __name__ == "__main__":
    main()
