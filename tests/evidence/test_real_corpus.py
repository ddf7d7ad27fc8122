"""The real development corpus (issue 16) and the general rules it asked for.

`tests/evidence/real/` holds 36 published pages as stored (SOURCES.md) with hand-written gold,
split into a tune part and a held-out part. The bars below are the figures reached at the time of
writing, rounded down: a change that loses ground on real text fails here.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from shanhai.evidence import doc_id_for, extract_facts, read_document
from shanhai.evidence.scoring import score
from shanhai.evidence.settings import parse_date

REAL = Path(__file__).parent / "real"
DATES = {k: parse_date(v) for k, v in json.loads((REAL / "dates.json").read_text(encoding="utf-8")).items()}


def run(part: str):  # type: ignore[no-untyped-def]
    facts = []
    for p in sorted((REAL / part / "docs").glob("*.txt")):
        doc_id = doc_id_for(p)
        result = extract_facts(read_document(p), doc_id=doc_id, published=DATES.get(doc_id))
        for f in result.facts:
            assert result.document.text[f.start:f.end] == f.evidence
        facts += [f.to_dict() for f in result.facts]
    s = score(REAL / part / "gold", facts)
    print(s.report())
    return s


def test_gold_is_well_formed() -> None:
    done = subprocess.run([sys.executable, str(REAL / "check_gold.py")], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip() == "OK"


def test_corpus_shape() -> None:
    docs = sorted(REAL.glob("*/docs/*.txt"))
    assert len(docs) >= 30
    traditional = [p for p in docs if "trad" in p.stem]
    assert len(traditional) * 4 >= len(docs)
    empty = [p for p in docs if not (p.parent.parent / "gold" / f"{p.stem}.jsonl").read_text(encoding="utf-8").strip()]
    assert empty  # some pages state no catalogue figure at all


@pytest.mark.parametrize("part", ["tune", "heldout"])
def test_real_corpus_quality(part: str) -> None:
    s = run(part)
    assert s.f1 >= 0.80
    assert (s.accuracy["period"] or 0) >= 0.70
    assert (s.accuracy["east"] or 0) >= 0.70
    assert (s.accuracy["west"] or 0) >= 0.70


def facts(text: str, published: str = "2023-12-30") -> list[tuple[str, float]]:
    return [(f.metric, f.value) for f in extract_facts(text, doc_id="x", published=published).facts]


def one(text: str, metric: str, published: str = "2023-12-30"):  # type: ignore[no-untyped-def]
    found = [f for f in extract_facts(text, doc_id="x", published=published).facts if f.metric == metric]
    assert len(found) == 1, found
    return found[0]


def test_mutual_exchange_of_professionals_and_poor_workers() -> None:
    got = facts("双方互派挂职干部231人、医教等专技人才2244人。帮助农村劳动力实现就业73.1万人，其中脱贫劳动力47.8万人。")
    assert ("cadre.mutual", 231) in got and ("talent.mutual", 2244) in got
    assert ("labor.employed.poor", 478000) in got
    assert not any(m.startswith(("talent.e2w", "talent.w2e")) for m, _ in got)


def test_people_counted_without_measure_word() -> None:
    got = facts("帮助13.76万农村劳动力、11.76万脱贫劳动力实现就业。")
    assert ("labor.employed.poor", 117600) in got


def test_averages_intended_and_signed_money_are_not_facts() -> None:
    got = facts("东部投入财政援助资金231.9亿元，县均投入5187万元。现场签约34个项目，总投资额138亿元。意向金额超过300亿元。")
    assert got == [("funds.fiscal", 23190000000)]


def test_mixed_kinds_and_lists_of_pairings() -> None:
    got = facts("动员5760家企业、1561个社会组织结对帮扶西部地区7452个村。")
    assert ("pair.enterprise_village.east_units", 5760) in got
    assert ("pair.social_village.east_units", 1561) in got
    assert not any(v == 7452 for _, v in got)


def test_mixed_cadre_and_professional_totals_are_not_cadres() -> None:
    assert not any(m.startswith("cadre.") for m, _ in facts("互相选派干部、人才463名。选派19名党政干部和专技人才赴对口地区挂职交流。"))


def test_group_parties_and_lead_period() -> None:
    text = "2023年，东西部协作取得新进展。\n截至11月底，东部8个省市向西部10个省区市投入财政援助资金231.9亿元。"
    f = one(text, "funds.fiscal", published="2024-01-03")
    assert (f.east, f.west, f.period) == ("东部8个省市", "西部10个省区市", "2023")


def test_paragraph_head_party_scopes_the_figures_after_it() -> None:
    f = one("广东向广西拨付财政帮扶资金17.58亿元。新增引导落地投产企业321家。", "industry.enterprise", published="2023-06-01")
    assert (f.east, f.west) == ("广东", "广西")


def test_five_year_plan_and_new_stage_periods() -> None:
    assert one("“十四五”期间，东丽区足额拨付财政援助资金6.59亿元。", "funds.fiscal", "2026-02-03").period == "2021-2025"
    assert one("新阶段以来，累计投入财政援助资金9亿元。", "funds.fiscal", "2023-12-30").period == "2021-2023"


def test_year_by_year_series() -> None:
    text = "普陀区帮扶资金——从2017年的2000万元、6个项目，到2018年的9152万元、23个项目，再扩大到2019年的超过1亿元和26个项目。"
    result = extract_facts(text, doc_id="x", published="2020-07-07").facts
    funds = sorted((f.period, f.value) for f in result if f.metric == "funds.fiscal")
    assert funds == [("2017", 20000000), ("2018", 91520000), ("2019", 100000000)]


def test_professionals_sent_to_a_west_province_short_name() -> None:
    got = facts("浙江省对口帮扶四川省40个县区，选派144名党政干部、4487名专业技术人才援川。")
    assert ("cadre.e2w", 144) in got and ("talent.e2w", 4487) in got


def test_people_received_in_the_east_are_not_sent() -> None:
    got = facts("两年来8名干部79名专技人才赴天河区挂职锻炼。")
    assert ("cadre.w2e", 8) in got and ("talent.w2e", 79) in got


def test_cli_dates_file(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("今年，南沙区投入财政帮扶资金100万元。", encoding="utf-8")
    (tmp_path / "dates.json").write_text('{"a": "2022-05-01"}', encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "shanhai.evidence.cli", "extract", "--dates", str(tmp_path / "dates.json"),
                           str(tmp_path / "a.txt")], capture_output=True, text=True, cwd=Path(__file__).parents[2])
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.splitlines()[0])["period"] == "2022"
