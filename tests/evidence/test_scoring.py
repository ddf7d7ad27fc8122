import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import DEV

from shanhai.evidence.scoring import score

GOLD = {
    "a": [
        {"doc": "a", "metric": "cadre.e2w", "value": 5, "qualifier": "exact", "period": "2023", "east": "南沙区",
         "west": "紫云县", "baseline": None},
        {"doc": "a", "metric": "funds.fiscal", "value": 10000000, "qualifier": "exact", "period": None, "east": None,
         "west": "坝羊镇", "baseline": None},
        {"doc": "a", "metric": "funds.fiscal", "value": 5000000, "qualifier": "exact", "period": None, "east": "南沙区",
         "west": None, "baseline": None},
    ],
    "b": [],  # a gold file with no facts: everything proposed for b is a false positive
}
PRED = [
    {"doc": "a", "metric": "cadre.e2w", "value": 5.0, "qualifier": "exact", "period": "2023", "east": "南沙区 ",
     "west": "紫云", "baseline": None},
    {"doc": "a", "metric": "funds.fiscal", "value": 10040000, "qualifier": "about", "period": None, "east": None,
     "west": "坝羊镇", "baseline": None},  # within 0.5 %
    {"doc": "a", "metric": "funds.fiscal", "value": 10000000, "qualifier": "exact"},  # duplicate: gold used up
    {"doc": "a", "metric": "funds.fiscal", "value": 5100000},  # 2 % off: no match
    {"doc": "b", "metric": "cadre.e2w", "value": 1},
    {"doc": "zzz", "metric": "cadre.e2w", "value": 1},  # no gold file: ignored
]


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    gold = tmp_path / "gold"
    gold.mkdir()
    for doc, facts in GOLD.items():
        (gold / f"{doc}.jsonl").write_text("".join(json.dumps(f, ensure_ascii=False) + "\n" for f in facts),
                                           encoding="utf-8")
    pred = tmp_path / "pred.jsonl"
    pred.write_text("".join(json.dumps(f, ensure_ascii=False) + "\n" for f in PRED), encoding="utf-8")
    return gold, pred


def test_counts_by_the_spec(files: tuple[Path, Path]) -> None:
    gold, _ = files
    s = score(gold, PRED)
    assert (s.gold, s.predicted, s.matched) == (3, 5, 2)
    assert s.per_doc == {"a": (3, 4, 2), "b": (0, 1, 0)}
    assert round(s.precision, 3) == 0.4 and round(s.recall, 3) == 0.667
    assert s.accuracy == {"qualifier": 0.5, "period": 1.0, "east": 1.0, "west": 0.5, "baseline": 1.0}


@pytest.mark.skipif(not (DEV / "score.py").exists(), reason="shared score.py not present")
def test_same_output_as_shared_score_py(files: tuple[Path, Path]) -> None:
    gold, pred = files
    theirs = subprocess.run([sys.executable, str(DEV / "score.py"), str(gold), str(pred)], capture_output=True,
                            text=True, check=True).stdout.strip()
    assert score(gold, PRED).report() == theirs
