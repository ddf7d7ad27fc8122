"""The overall assignment against optima a person can check by hand (and the solver's own guarantees)."""

from shanhai.matching.assignment import Edge, assign


def test_capacity_goes_where_it_scores_most():
    # one offer of 2 teachers; need 0 scores 90 per teacher, need 1 scores 60; need 1 has a second offer at 50
    result = assign([2, 1], [2, 1], [Edge(0, 0, 90), Edge(1, 0, 60), Edge(1, 1, 50)])
    assert sorted(result.pairs) == [(0, 0, 2), (1, 1, 1)]
    assert result.total == 230


def test_greedy_would_be_wrong():
    # greedy takes (0,0)=10 first and leaves need 1 with nothing; the optimum is 9 + 8
    result = assign([1, 1], [1, 1], [Edge(0, 0, 10), Edge(0, 1, 9), Edge(1, 0, 8)])
    assert sorted(result.pairs) == [(0, 1, 1), (1, 0, 1)] and result.total == 17


def test_nothing_to_assign():
    assert assign([1], [1], []).pairs == []
    assert assign([1], [1], [Edge(0, 0, 0)]).total == 0
