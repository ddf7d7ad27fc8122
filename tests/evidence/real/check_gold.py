"""Check the real corpus's gold: fields, catalogue codes, evidence inside the cleaned text.

usage: .venv/bin/python tests/evidence/real/check_gold.py      (prints OK or the problems; exit 1 on any)

Uses only the reader's loader and cleaner (never the extractor), so the gold stays hand-written.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from shanhai.evidence import read_document

HERE = Path(__file__).parent
CATALOGUE = Path(__file__).resolve().parents[3] / "shanhai" / "indicators" / "catalogue.csv"
FIELDS = ["doc", "metric", "value", "qualifier", "period", "east", "west", "baseline", "evidence"]


def codes() -> set[str]:
    found = set()
    for line in CATALOGUE.read_text(encoding="utf-8").splitlines()[1:]:
        if line.strip():
            found.add(line.split(",")[0].strip())
    return found


def main() -> int:
    valid = codes()
    problems = []
    for part in ("tune", "heldout"):
        for doc in sorted((HERE / part / "docs").glob("*.txt")):
            gold = HERE / part / "gold" / f"{doc.stem}.jsonl"
            if not gold.exists():
                problems.append(f"{doc.name}: no gold file")
                continue
            text = read_document(doc).text
            for n, line in enumerate(gold.read_text(encoding="utf-8").splitlines(), 1):
                f = json.loads(line)
                where = f"{gold.name}:{n}"
                if list(f) != FIELDS:
                    problems.append(f"{where}: fields {list(f)}")
                if f["doc"] != doc.stem:
                    problems.append(f"{where}: doc {f['doc']}")
                if f["metric"] not in valid:
                    problems.append(f"{where}: unknown metric {f['metric']}")
                if f["evidence"] not in text:
                    problems.append(f"{where}: evidence not in the cleaned text: {f['evidence']}")
                if f["period"] is not None and not re.fullmatch(r"\d{4}(-\d{4})?", f["period"]):
                    problems.append(f"{where}: period {f['period']}")
                for side in ("east", "west"):
                    if f[side] is not None and f[side] not in text:
                        problems.append(f"{where}: {side} {f[side]} not in the cleaned text")
    print("\n".join(problems) or "OK")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
