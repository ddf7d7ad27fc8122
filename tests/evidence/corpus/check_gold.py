#!/usr/bin/env python3
"""Check the held-out evidence corpus: every gold fact is well formed and backed by its document.

usage: python3 check_gold.py [CORPUS_DIR]     (default: the folder this file is in)

CORPUS_DIR holds docs/<id>.txt and gold/<id>.jsonl. For every gold line it checks:
  - exactly the fields doc, metric, value, qualifier, period, east, west, baseline, evidence;
  - doc equals the file's name and docs/<doc>.txt exists (and every doc has a gold file);
  - metric is a catalogue code (indicator-catalogue.md v1, copied below), or pair.*.east_units/.west_units;
  - value is a number (not a bool), baseline is a number or null;
  - qualifier is exact | at_least | about, and agrees with the wording of the evidence
    (余/多/逾/超过 -> at_least, 约/近/左右 -> about, none of them -> exact);
  - period is null, "YYYY" or "YYYY-YYYY", and does not end after the document's publication year
    (read from its 发布时间 / 發佈時間 line);
  - east / west are null or non-empty strings that occur in the document;
  - evidence is a non-empty substring of the document and states the value: one of the numbers
    written in the evidence (Arabic, full-width or Chinese numerals, with 万/亿) equals the value.
It also warns about two gold facts with the same (doc, metric, value), which the scorer cannot tell apart.
Plain Python, no dependencies. Exits 1 when any check fails.
"""
import json
import re
import sys
from collections import Counter
from pathlib import Path

# Indicator codes, copied from shared/spec/indicator-catalogue.md (v1).
CODES = [
    "lead.visit", "lead.meeting", "project.count",
    "funds.fiscal", "funds.social", "funds.education", "funds.medical",
    "cadre.e2w", "cadre.mutual", "cadre.w2e",
    "talent.e2w", "talent.e2w.teacher", "talent.e2w.medical", "talent.w2e", "talent.w2e.days",
    "train.cadre.people", "train.talent.sessions", "train.talent.people",
    "train.labor.sessions", "train.labor.people", "train.leader.people", "train.school.people",
    "labor.employed", "labor.employed.new", "labor.job_fair",
    "workshop.count", "workshop.jobs",
    "industry.park", "industry.enterprise", "industry.investment", "industry.jobs",
    "consume.sales",
    "pair.county", "pair.township", "pair.village", "pair.enterprise_village", "pair.social_village",
    "pair.hospital", "pair.school", "pair.university", "pair.vocational",
    "edu.study_tour", "edu.facility.kindergarten", "edu.seats", "edu.tier1_admissions",
    "med.equipment",
]
VALID = set(CODES) | {c + s for c in CODES if c.startswith("pair.") for s in (".east_units", ".west_units")}
FIELDS = ["doc", "metric", "value", "qualifier", "period", "east", "west", "baseline", "evidence"]
QUALIFIERS = {"exact", "at_least", "about"}
AT_LEAST = ("余", "餘", "多", "逾", "超过", "超過")
ABOUT = ("约", "約", "近", "左右")

FULLWIDTH = str.maketrans("０１２３４５６７８９．", "0123456789.")
CN_DIGIT = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4, "五": 5,
            "六": 6, "七": 7, "八": 8, "九": 9}
CN_UNIT = {"十": 10, "百": 100, "千": 1000}
BIG = {"万": 10**4, "萬": 10**4, "亿": 10**8, "億": 10**8}
NUM_RE = re.compile(r"([0-9][0-9.]*)\s*[余餘多]?([万萬亿億]?)|([零〇一二两兩三四五六七八九十百千]+)[余餘多]?([万萬亿億]?)")


def cn_to_int(s):
    """Chinese numeral without 万/亿 (e.g. 三百五十, 二十一, 十五, 百) -> int."""
    total, digit = 0, None
    for ch in s:
        if ch in CN_DIGIT:
            digit = CN_DIGIT[ch]
        else:
            total += (1 if digit is None else digit) * CN_UNIT[ch]
            digit = None
    return total + (digit or 0)


def numbers_in(text):
    """All numbers written in text, with a following 万/亿 applied (also after 余/多: 3100余万元)."""
    text = text.translate(FULLWIDTH)
    out = []
    for m in NUM_RE.finditer(text):
        if m.group(1):
            try:
                n = float(m.group(1).rstrip("."))
            except ValueError:
                continue
            out.append(n * BIG.get(m.group(2), 1))
        else:
            out.append(cn_to_int(m.group(3)) * BIG.get(m.group(4), 1))
    return out


def pub_year(text):
    m = re.search(r"(?:发布时间|發佈時間|發布時間|时间|時間)[：:]\s*(\d{4})", text)
    return int(m.group(1)) if m else None


def is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def check(root):
    root = Path(root)
    docs = {p.stem: p.read_text(encoding="utf-8") for p in sorted((root / "docs").glob("*.txt"))}
    golds = sorted((root / "gold").glob("*.jsonl"))
    errors, warnings = [], []
    per_doc, per_metric = Counter(), Counter()
    seen = Counter()
    if not docs:
        errors.append("no docs/*.txt")
    for stem in docs:
        if not (root / "gold" / f"{stem}.jsonl").exists():
            errors.append(f"docs/{stem}.txt has no gold/{stem}.jsonl")
    for gf in golds:
        text = docs.get(gf.stem)
        if text is None:
            errors.append(f"{gf.name}: no docs/{gf.stem}.txt")
            continue
        year = pub_year(text)
        if year is None:
            errors.append(f"docs/{gf.stem}.txt: no 发布时间 line")
        for n, line in enumerate(gf.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            where = f"{gf.name}:{n}"
            try:
                f = json.loads(line)
            except json.JSONDecodeError as e:
                errors.append(f"{where}: not JSON: {e}")
                continue
            if not isinstance(f, dict) or sorted(f) != sorted(FIELDS):
                errors.append(f"{where}: fields must be exactly {FIELDS}")
                continue
            if f["doc"] != gf.stem:
                errors.append(f"{where}: doc {f['doc']!r} != file name {gf.stem!r}")
            if f["metric"] not in VALID:
                errors.append(f"{where}: metric {f['metric']!r} not in the catalogue")
            if not is_number(f["value"]):
                errors.append(f"{where}: value {f['value']!r} is not a number")
                continue
            if f["baseline"] is not None and not is_number(f["baseline"]):
                errors.append(f"{where}: baseline {f['baseline']!r} is not a number or null")
            if f["qualifier"] not in QUALIFIERS:
                errors.append(f"{where}: qualifier {f['qualifier']!r}")
            p = f["period"]
            if p is not None:
                m = re.fullmatch(r"(\d{4})(?:-(\d{4}))?", p) if isinstance(p, str) else None
                if not m:
                    errors.append(f"{where}: period {p!r} is not YYYY or YYYY-YYYY")
                else:
                    a, b = int(m.group(1)), int(m.group(2) or m.group(1))
                    if a > b or (m.group(2) and a == b):
                        errors.append(f"{where}: period {p!r} is not a forward range")
                    if year and b > year:
                        errors.append(f"{where}: period {p!r} ends after publication year {year}")
            for side in ("east", "west"):
                v = f[side]
                if v is not None and (not isinstance(v, str) or not v.strip()):
                    errors.append(f"{where}: {side} must be a non-empty string or null")
                elif v is not None and v not in text:
                    errors.append(f"{where}: {side} {v!r} does not occur in the document")
            ev = f["evidence"]
            if not isinstance(ev, str) or not ev.strip():
                errors.append(f"{where}: empty evidence")
                continue
            if ev not in text:
                errors.append(f"{where}: evidence {ev!r} is not a substring of docs/{gf.stem}.txt")
            value = float(f["value"])
            if not any(abs(x - value) <= 1e-6 * max(1.0, abs(value)) for x in numbers_in(ev)):
                errors.append(f"{where}: evidence {ev!r} does not state the value {f['value']}")
            want = ("at_least" if any(w in ev for w in AT_LEAST)
                    else "about" if any(w in ev for w in ABOUT) else "exact")
            if f["qualifier"] != want:
                errors.append(f"{where}: qualifier {f['qualifier']!r} but the evidence wording says {want!r}")
            key = (f["doc"], f["metric"], value)
            seen[key] += 1
            if seen[key] == 2:
                warnings.append(f"{where}: a second fact with the same (doc, metric, value) {key}")
            per_doc[f["doc"]] += 1
            per_metric[f["metric"]] += 1
    return errors, warnings, per_doc, per_metric, docs


def main(argv):
    root = argv[1] if len(argv) > 1 else Path(__file__).resolve().parent
    errors, warnings, per_doc, per_metric, docs = check(root)
    for d in docs:
        size = len(docs[d].encode("utf-8"))
        print(f"{d}: {per_doc[d]} facts, {size} bytes")
    print(f"total: {sum(per_doc.values())} facts in {len(docs)} documents")
    print("per metric: " + ", ".join(f"{m} {c}" for m, c in sorted(per_metric.items())))
    for w in warnings:
        print("WARNING " + w)
    for e in errors:
        print("ERROR " + e)
    print("OK" if not errors else f"FAILED: {len(errors)} error(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
