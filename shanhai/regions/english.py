"""English names of the divisions: 紫云苗族布依族自治县 → Ziyun Miao and Buyi Autonomous County.

The names ship in `data/names_en.csv` (code, name, name_en), written by `build()` from the division
table: the official English of the provinces and autonomous regions, the peoples named in autonomous
areas (Miao, Buyi …), the level words (County, District, City, Banner, Prefecture …) and Hanyu Pinyin
for the place itself. Pinyin comes from pypinyin at build time only (`python -m
shanhai.regions.english`, with pypinyin 0.55.0 installed beside the project, not in it); at run time
the CSV is read once and nothing is downloaded or computed.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
NAMES_EN = DATA / "names_en.csv"

# Provinces and autonomous regions as they are officially written in English.
PROVINCES = {
    "北京市": "Beijing", "天津市": "Tianjin", "上海市": "Shanghai", "重庆市": "Chongqing",
    "河北省": "Hebei Province", "山西省": "Shanxi Province", "辽宁省": "Liaoning Province",
    "吉林省": "Jilin Province", "黑龙江省": "Heilongjiang Province", "江苏省": "Jiangsu Province",
    "浙江省": "Zhejiang Province", "安徽省": "Anhui Province", "福建省": "Fujian Province",
    "江西省": "Jiangxi Province", "山东省": "Shandong Province", "河南省": "Henan Province",
    "湖北省": "Hubei Province", "湖南省": "Hunan Province", "广东省": "Guangdong Province",
    "海南省": "Hainan Province", "四川省": "Sichuan Province", "贵州省": "Guizhou Province",
    "云南省": "Yunnan Province", "陕西省": "Shaanxi Province", "甘肃省": "Gansu Province",
    "青海省": "Qinghai Province", "台湾省": "Taiwan Province",
    "内蒙古自治区": "Inner Mongolia Autonomous Region", "广西壮族自治区": "Guangxi Zhuang Autonomous Region",
    "西藏自治区": "Xizang Autonomous Region", "宁夏回族自治区": "Ningxia Hui Autonomous Region",
    "新疆维吾尔自治区": "Xinjiang Uygur Autonomous Region",
    "香港特别行政区": "Hong Kong Special Administrative Region",
    "澳门特别行政区": "Macao Special Administrative Region",
}
# The peoples named in autonomous areas (longest first when matching).
PEOPLES = {
    "蒙古族": "Mongol", "蒙古": "Mongol", "回族": "Hui", "藏族": "Tibetan", "维吾尔": "Uygur", "苗族": "Miao",
    "彝族": "Yi", "壮族": "Zhuang", "布依族": "Buyi", "朝鲜族": "Korean", "满族": "Manchu", "侗族": "Dong",
    "瑶族": "Yao", "白族": "Bai", "土家族": "Tujia", "哈尼族": "Hani", "哈萨克族": "Kazak", "哈萨克": "Kazak",
    "傣族": "Dai", "黎族": "Li", "傈僳族": "Lisu", "佤族": "Va", "畲族": "She", "拉祜族": "Lahu", "水族": "Shui",
    "东乡族": "Dongxiang", "纳西族": "Naxi", "景颇族": "Jingpo", "柯尔克孜族": "Kirgiz", "柯尔克孜": "Kirgiz",
    "土族": "Tu", "达斡尔族": "Daur", "仫佬族": "Mulao", "羌族": "Qiang", "布朗族": "Blang", "撒拉族": "Salar",
    "毛南族": "Maonan", "仡佬族": "Gelao", "锡伯族": "Xibe", "锡伯": "Xibe", "阿昌族": "Achang",
    "普米族": "Pumi", "塔吉克族": "Tajik", "塔吉克": "Tajik", "怒族": "Nu", "鄂温克族": "Ewenki",
    "德昂族": "De'ang", "保安族": "Bonan", "裕固族": "Yugur", "京族": "Jing", "独龙族": "Derung",
    "鄂伦春族": "Oroqen", "鄂伦春": "Oroqen", "赫哲族": "Hezhen", "各族": "Various Ethnic Groups",
}
# Level words, longest first.
SUFFIXES = (
    ("自治县", "Autonomous County"), ("自治旗", "Autonomous Banner"), ("自治州", "Autonomous Prefecture"),
    ("自治区", "Autonomous Region"), ("特区", "Special District"), ("林区", "Forestry District"),
    ("新区", "New Area"), ("地区", "Prefecture"), ("县", "County"), ("市", "City"), ("区", "District"),
    ("旗", "Banner"), ("盟", "League"), ("省", "Province"),
)
# Parts of banner names (察哈尔右翼后旗 → Chahar Right Wing Rear Banner).
BANNER_PARTS = (("联合", "United"), ("左翼", "Left Wing"), ("右翼", "Right Wing"), ("前", "Front"),
                ("后", "Rear"), ("中", "Middle"), ("左", "Left"), ("右", "Right"))


def _join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def translate(name: str, pinyin: Callable[[str], str]) -> str:
    """The English of one division name; `pinyin` writes a place word in Hanyu Pinyin ("Ziyun")."""
    if name in PROVINCES:
        return PROVINCES[name]
    suffix_en, stem = "", name
    for zh, en in SUFFIXES:
        if name.endswith(zh) and len(name) > len(zh):
            stem, suffix_en = name[: -len(zh)], en
            break
    peoples: list[str] = []
    if suffix_en.startswith("Autonomous"):
        ordered = sorted(PEOPLES, key=len, reverse=True)
        found = True
        while found and stem:
            found = False
            for zh in ordered:
                if stem.endswith(zh) and (len(stem) > len(zh) or not peoples):
                    peoples.insert(0, PEOPLES[zh])
                    stem = stem[: -len(zh)]
                    found = True
                    break
    parts: list[str] = []
    if suffix_en == "Banner":
        tail: list[str] = []
        stripped = True
        while stripped:
            stripped = False
            for zh, en in BANNER_PARTS:
                if stem.endswith(zh) and len(stem) > len(zh):
                    tail.insert(0, en)
                    stem = stem[: -len(zh)]
                    stripped = True
                    break
        parts.extend([pinyin(stem), *tail])
    elif stem:
        parts.append(pinyin(stem))
    if peoples:
        parts.append(_join(peoples))
    parts.append(suffix_en)
    return " ".join(p for p in parts if p)


# Place readings a character-by-character reading gets wrong (朝阳 is Chaoyang, not Zhaoyang).
READINGS = {
    "朝阳": "Chaoyang", "蔚": "Yu", "涡阳": "Guoyang", "单": "Shan", "浚": "Xun", "都匀": "Duyun",
    "筠连": "Junlian", "番禺": "Panyu", "六安": "Lu'an", "乐亭": "Laoting", "铅山": "Yanshan", "大埔": "Dabu",
}


def pinyin_word(text: str) -> str:
    """Hanyu Pinyin of a place word, one word, capitalised, with apostrophes (Xi'an): build time only."""
    from pypinyin import Style, lazy_pinyin  # build-time dependency (see the module docstring)

    if text in READINGS:
        return READINGS[text]
    syllables = lazy_pinyin(text, style=Style.NORMAL, v_to_u=True, errors="ignore")
    if text.startswith("长") and text != "长子" and syllables[:1] == ["zhang"]:
        syllables[0] = "chang"  # 长 in place names reads cháng (长子 is the exception)
    word = ""
    for i, s in enumerate(syllables):
        if i and s[:1] in "aoe":
            word += "'"
        word += s
    return word[:1].upper() + word[1:]


def build() -> int:
    """Write data/names_en.csv from data/regions.csv; returns the number of names."""
    with (DATA / "regions.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    out = [(r["code"], r["name"], translate(r["name"], pinyin_word)) for r in rows]
    with NAMES_EN.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["code", "name", "name_en"])
        writer.writerows(out)
    return len(out)


@cache
def names_en() -> dict[str, str]:
    """Chinese division name → English, for every name in the table (same name, same English)."""
    if not NAMES_EN.exists():
        return {}
    with NAMES_EN.open(encoding="utf-8") as f:
        return {row["name"]: row["name_en"] for row in csv.DictReader(f)}


@cache
def short_names_en() -> dict[str, str]:
    """Short forms (南沙, 紫云自治县, 贵州) → English, read from the aliases next to the table."""
    from shanhai.regions.lookup import get_index

    by_name = names_en()
    out: dict[str, str] = {}
    for region in get_index().by_code.values():
        english = by_name.get(region.name)
        if english and region.short_name:
            out.setdefault(region.short_name, english)
    return out


def english_name(name: str) -> str:
    """A division's name in English if the table has it (full or short form), else the name as given."""
    return names_en().get(name) or short_names_en().get(name) or name


if __name__ == "__main__":
    print(f"{build()} names written to {NAMES_EN}")
