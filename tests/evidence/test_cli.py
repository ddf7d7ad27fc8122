import json
import subprocess
import sys
from pathlib import Path

from conftest import ARTICLES, DEV

from shanhai.evidence.cli import main
from shanhai.evidence.document import SPEC_FIELDS

TEXT = "发布时间：2023-10-26\n今年南沙区选派5名挂职干部、43名专业技术人才到紫云县开展帮扶工作，与上一年40人相比，完成107.5%。"


def test_extract_writes_jsonl(tmp_path: Path) -> None:
    src = tmp_path / "report_01.txt"
    src.write_text(TEXT, encoding="gbk")
    out = tmp_path / "facts.jsonl"
    assert main(["extract", str(src), "--out", str(out)]) == 0
    facts = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert {f["metric"] for f in facts} == {"cadre.e2w", "talent.e2w"}
    for f in facts:
        assert set(SPEC_FIELDS) <= set(f)
        assert f["doc"] == "report_01" and f["period"] == "2023"
    talent = next(f for f in facts if f["metric"] == "talent.e2w")
    assert (talent["baseline"], talent["stated_rate"], talent["rate_ok"]) == (40, 107.5, True)


def test_published_option_and_bad_file(tmp_path: Path, capsys) -> None:
    src = tmp_path / "a.txt"
    src.write_text(TEXT.splitlines()[1], encoding="utf-8")
    empty = tmp_path / "b.txt"
    empty.write_bytes(b"")
    assert main([str(src), str(empty), "--published", "2021-05-01", "--spec-only"]) == 1
    captured = capsys.readouterr()
    facts = [json.loads(line) for line in captured.out.splitlines()]
    assert {f["period"] for f in facts} == {"2021"}
    assert set(facts[0]) == set(SPEC_FIELDS)
    assert "b.txt" in captured.err and "为空" in captured.err


def test_score_mode_prints_score_py_format(capsys) -> None:
    docs = sorted((ARTICLES / "docs").iterdir())
    assert main(["extract", "--score", str(ARTICLES / "gold"), *map(str, docs)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[-1].startswith("total: gold ") and " F1 " in lines[-1]
    assert lines[-2].startswith("field accuracy over matched: qualifier ")


def test_module_entry_point(tmp_path: Path) -> None:
    src = tmp_path / "x.txt"
    src.write_text(TEXT, encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "shanhai.evidence.cli", "extract", str(src)], capture_output=True,
                         text=True, cwd=Path(__file__).parents[2], check=True)
    assert len(run.stdout.splitlines()) == 2
    assert DEV  # the shared eval-dev path is configured in conftest
