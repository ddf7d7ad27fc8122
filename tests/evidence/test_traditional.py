from shanhai.evidence import extract_facts

TRAD = ("發布時間：2023-11-20\n今年，深圳市龍崗區選派黨政掛職幹部8名、專業技術人才95名到百色市田林縣開展幫扶工作。"
        "去年，龍崗區採購、幫助銷售田林縣農產品1.8億元，與上一年1.2億元相比，完成150%。")


def test_traditional_matches_and_evidence_is_original() -> None:
    result = extract_facts(TRAD, doc_id="t")
    by = {f.metric: f for f in result.facts}
    assert by["cadre.e2w"].value == 8
    assert by["talent.e2w"].value == 95
    sales = by["consume.sales"]
    assert (sales.value, sales.period, sales.baseline, sales.stated_rate, sales.rate_ok) == (
        180_000_000, "2022", 120_000_000, 150.0, True)
    for f in result.facts:
        assert f.evidence in result.document.text
        assert result.document.text[f.start:f.end] == f.evidence
    assert by["cadre.e2w"].east == "深圳市龍崗區"  # as written, Traditional
    assert any("幹部" in f.evidence for f in result.facts)
