"""Precision, recall and F1 of proposed facts against gold facts (spec: extraction-facts.md).

A reimplementation of eval-dev/score.py that gives the same numbers and prints the same lines:
a proposed fact matches a gold fact of the same `doc` when `metric` is equal and `value` is equal
within 0.5 %; greedy one-to-one in file order; predictions for documents without a gold file are
ignored; a gold file with no facts still counts. The other fields are scored as accuracy over
the matched pairs.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TOLERANCE = 0.005
FIELDS = ("qualifier", "period", "east", "west", "baseline")


def load_facts(paths: Iterable[str | Path]) -> list[dict[str, Any]]:
    """Facts from .jsonl files or directories of them (sorted), blank lines skipped."""
    facts: list[dict[str, Any]] = []
    for p in map(Path, paths):
        files = sorted(p.glob("*.jsonl")) if p.is_dir() else [p]
        for f in files:
            for n, line in enumerate(f.read_text(encoding="utf-8").splitlines(), 1):
                if line.strip():
                    try:
                        facts.append(json.loads(line))
                    except json.JSONDecodeError as e:
                        raise ValueError(f"{f}:{n}: not JSON: {e}") from None
    return facts


def same_value(a: Any, b: Any) -> bool:
    try:
        x, y = float(a), float(b)
    except (TypeError, ValueError):
        return False
    if y == 0:
        return x == 0
    return abs(x - y) <= TOLERANCE * abs(y)


def match(gold: list[dict[str, Any]], pred: list[dict[str, Any]]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """Greedy one-to-one matching on (doc, metric, value)."""
    pairs = []
    free: dict[tuple[Any, Any], list[dict[str, Any]]] = defaultdict(list)
    for g in gold:
        free[(g["doc"], g["metric"])].append(g)
    for p in pred:
        bucket = free.get((p.get("doc"), p.get("metric")), [])
        for i, g in enumerate(bucket):
            if same_value(p.get("value"), g["value"]):
                pairs.append((g, p))
                del bucket[i]
                break
    return pairs


def _norm(v: Any) -> Any:
    if isinstance(v, str):
        return v.strip()
    if isinstance(v, int | float) and not isinstance(v, bool):
        return float(v)
    return v


def prf(n_gold: int, n_pred: int, n_match: int) -> tuple[float, float, float]:
    if n_gold == 0 and n_pred == 0:
        return 1.0, 1.0, 1.0
    p = n_match / n_pred if n_pred else 0.0
    r = n_match / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


@dataclass
class Score:
    gold: int
    predicted: int
    matched: int
    per_doc: dict[str, tuple[int, int, int]] = field(default_factory=dict)
    accuracy: dict[str, float | None] = field(default_factory=dict)

    @property
    def precision(self) -> float:
        return prf(self.gold, self.predicted, self.matched)[0]

    @property
    def recall(self) -> float:
        return prf(self.gold, self.predicted, self.matched)[1]

    @property
    def f1(self) -> float:
        return prf(self.gold, self.predicted, self.matched)[2]

    def report(self) -> str:
        """The lines score.py prints."""
        lines = []
        for d, (ng, np_, nm) in self.per_doc.items():
            p, r, f = prf(ng, np_, nm)
            lines.append(f"{d}: gold {ng} predicted {np_} matched {nm}  P {p:.3f} R {r:.3f} F1 {f:.3f}")
        acc = [f"{k} {v:.2f}" if v is not None else f"{k} -" for k, v in self.accuracy.items()]
        lines.append("field accuracy over matched: " + ", ".join(acc))
        p, r, f = prf(self.gold, self.predicted, self.matched)
        lines.append(f"total: gold {self.gold} predicted {self.predicted} matched {self.matched}  "
                     f"P {p:.3f} R {r:.3f} F1 {f:.3f}")
        return "\n".join(lines)


def score(gold_dir: str | Path, pred: list[dict[str, Any]]) -> Score:
    """Score predicted facts (dicts) against the gold files in `gold_dir`."""
    gold_dir = Path(gold_dir)
    gold = load_facts([gold_dir])
    docs = sorted({f.stem for f in gold_dir.glob("*.jsonl")} | {g["doc"] for g in gold})
    pred = [p for p in pred if p.get("doc") in docs]
    pairs = match(gold, pred)
    by_doc: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for g in gold:
        by_doc[g["doc"]][0] += 1
    for p in pred:
        by_doc[p["doc"]][1] += 1
    for g, _ in pairs:
        by_doc[g["doc"]][2] += 1
    accuracy: dict[str, float | None] = {}
    for name in FIELDS:
        ok = sum(1 for g, p in pairs if _norm(g.get(name)) == _norm(p.get(name)))
        accuracy[name] = ok / len(pairs) if pairs else None
    return Score(len(gold), len(pred), len(pairs), {d: tuple(by_doc[d]) for d in docs},  # type: ignore[misc]
                 accuracy)
