"""The overall assignment at market scale (issue 12): 10,000 needs × 10,000 offers with capacities.

    .venv/bin/python benchmarks/matching_speed.py [--needs 10000] [--candidates 12] [--seed 1]

The market is generated so that its optimum is known: every need i has one planted offer — the same kind,
subject, level, dates and place, the own pairing with five past records — which `scoring.score` rates
100, with exactly need i's quantity as capacity; every other candidate edge is a random offer of the same
programme only ("programme" relation: at most 30 + 12 + 15 + 10 + 10 + 0 = 87 points). No plan can beat
100 per unit on every need, and the planted plan reaches it, so the optimum is 100 × Σ quantities.
Every edge's score comes from `scoring.score` (as on the pages); the solve is `assignment.assign`.

A second, random market (no planted answer, 1,000 × 1,000) is solved again by an independent run:
branch and bound (`scipy.optimize.milp`) on the same problem; the two totals must agree.
Prints the figures; exits non-zero if a total differs from its optimum or the bar (< 10 s) is missed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
from scipy import sparse  # noqa: E402
from scipy.optimize import Bounds, LinearConstraint, milp  # noqa: E402

from shanhai.matching.assignment import Edge, assign  # noqa: E402
from shanhai.matching.scoring import Context, Listing, candidate, score  # noqa: E402

SUBJECTS = ("数学", "语文", "英语", "物理", "化学", "生物", "历史", "地理", "骨科", "儿科", "全科", "护理")
LEVELS = ("小学", "初中", "高中")
TODAY = dt.date(2024, 6, 1)
BAR_S = 10.0


def listing(rng: random.Random, qty: int) -> Listing:
    start = dt.date(2024, 9, 1) + dt.timedelta(days=rng.randrange(0, 120))
    return Listing(kind="teacher", domain="education", subject=rng.choice(SUBJECTS), level=rng.choice(LEVELS),
                   quantity=qty, start=start, end=start + dt.timedelta(days=rng.randrange(60, 300)),
                   lat=rng.uniform(20, 45), lng=rng.uniform(90, 125), expires_on=dt.date(2025, 12, 31))


def planted_market(n: int, k: int, seed: int) -> tuple[list[int], list[int], list[Edge], float]:
    rng = random.Random(seed)
    needs = [listing(rng, rng.randint(1, 5)) for _ in range(n)]
    # offer j is need j's twin (capacity = its quantity); shuffled so the answer is not the diagonal
    order = list(range(n))
    rng.shuffle(order)
    offers: list[Listing] = [None] * n  # type: ignore[list-item]
    twin = {}
    for i, j in enumerate(order):
        offers[j] = needs[i]
        twin[i] = j
    own = Context("own", "planted", cooperation=5)
    edges = []
    for i, need in enumerate(needs):
        edges.append(Edge(i, twin[i], score(need, offers[twin[i]], own).total))
        for j in rng.sample(range(n), k - 1):
            if j == twin[i]:
                continue
            ctx = Context("programme", remaining=offers[j].quantity)
            if candidate(need, offers[j], ctx, TODAY) is None:
                edges.append(Edge(i, j, score(need, offers[j], ctx).total))
    optimum = 100.0 * sum(x.quantity for x in needs)
    return [x.quantity for x in needs], [x.quantity for x in offers], edges, optimum


def random_market(n: int, k: int, seed: int) -> tuple[list[int], list[int], list[Edge]]:
    rng = random.Random(seed)
    needs = [rng.randint(1, 5) for _ in range(n)]
    caps = [rng.randint(1, 8) for _ in range(n)]
    edges = [Edge(i, j, round(rng.uniform(1, 100), 2)) for i in range(n) for j in rng.sample(range(n), k)]
    return needs, caps, edges


def milp_total(needs: list[int], caps: list[int], edges: list[Edge]) -> float:
    """The same problem by branch and bound, written independently of `assignment.assign`."""
    m = len(edges)
    a = sparse.lil_array((len(needs) + len(caps), m))
    for col, e in enumerate(edges):
        a[e.need, col] = 1
        a[len(needs) + e.offer, col] = 1
    s = np.array([e.score for e in edges])
    res = milp(-s, constraints=LinearConstraint(a.tocsr(), -np.inf, np.array(needs + caps, dtype=float)),
               bounds=Bounds(0, np.inf), integrality=np.ones(m))
    return float(-res.fun)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--needs", type=int, default=10_000)
    parser.add_argument("--candidates", type=int, default=12, help="candidate offers scored per need")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    t0 = time.perf_counter()
    needs, caps, edges, optimum = planted_market(args.needs, args.candidates, args.seed)
    built = time.perf_counter() - t0
    t0 = time.perf_counter()
    result = assign(needs, caps, edges)
    solved = time.perf_counter() - t0
    ok = abs(result.total - optimum) < 1e-6 * optimum
    print(f"planted market: {len(needs):,} needs × {len(caps):,} offers, {len(edges):,} scored candidate edges, "
          f"Σ quantity {sum(needs):,}")
    print(f"  scoring (scoring.score per edge): {built:.2f} s")
    print(f"  assignment (HiGHS):               {solved:.2f} s   bar < {BAR_S:.0f} s: {'ok' if solved < BAR_S else 'MISSED'}")
    print(f"  total {result.total:,.2f}   known optimum {optimum:,.2f}   {'equal' if ok else 'DIFFERENT'}   "
          f"pairs {len(result.pairs):,}")

    rn, rc, re_ = random_market(1000, 8, args.seed)
    t0 = time.perf_counter()
    ours = assign(rn, rc, re_).total
    t_ours = time.perf_counter() - t0
    t0 = time.perf_counter()
    theirs = milp_total(rn, rc, re_)
    t_milp = time.perf_counter() - t0
    agree = abs(ours - theirs) < 1e-6 * max(1.0, theirs)
    print(f"random market 1,000 × 1,000 ({len(re_):,} edges): assign {ours:,.2f} in {t_ours:.2f} s; "
          f"independent milp {theirs:,.2f} in {t_milp:.2f} s   {'equal' if agree else 'DIFFERENT'}")
    return 0 if ok and agree and solved < BAR_S else 1


if __name__ == "__main__":
    raise SystemExit(main())
