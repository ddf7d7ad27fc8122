import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[2]


def test_import_is_fast_and_django_free() -> None:
    code = ("import sys, time; t = time.perf_counter(); import shanhai.evidence; dt = time.perf_counter() - t; "
            "print(dt, 'django' in sys.modules, 'cn2an' in sys.modules, 'pypdf' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    dt, django, cn2an, pypdf = out.stdout.split()
    assert float(dt) < 1.0
    assert (django, cn2an, pypdf) == ("False", "False", "False")


def test_public_api() -> None:
    import shanhai.evidence as ev

    for name in ("read_document", "extract_facts", "Document", "Fact", "ExtractionResult", "Options", "EvidenceError"):
        assert hasattr(ev, name)
    result = ev.extract_facts("今年南沙区选派5名挂职干部到紫云县。", doc_id="d", published="2023-10-26")
    (fact,) = result.facts
    assert (fact.metric, fact.value, fact.period, fact.east, fact.west) == ("cadre.e2w", 5, "2023", "南沙区", "紫云县")
