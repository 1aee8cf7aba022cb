"""The formulas, against figures worked out by hand and published values."""

import pytest

from core.ratings import scoring


def test_index_is_share_of_satisfied_answers():
    assert scoring.satisfaction_index(2, 3) == pytest.approx(66.6667, abs=1e-4)
    assert scoring.satisfaction_index(0, 5) == 0.0
    assert scoring.satisfaction_index(5, 5) == 100.0
    assert scoring.satisfaction_index(0, 0) is None


@pytest.mark.parametrize(
    ("satisfied", "answers", "low", "high"),
    [
        # Newcombe (1998), Statistics in Medicine 17:857-872, table I, method 3 (Wilson, no correction).
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0000, 0.1611),
        (1, 29, 0.0061, 0.1718),
        # Worked by hand: p = 7/10, z = 1.96.
        (7, 10, 0.3968, 0.8922),
    ],
)
def test_wilson_interval_matches_published_values(satisfied, answers, low, high):
    got_low, got_high = scoring.wilson_interval(satisfied, answers)
    assert got_low / 100 == pytest.approx(low, abs=5e-5)
    assert got_high / 100 == pytest.approx(high, abs=5e-5)


def test_wilson_interval_edges():
    assert scoring.wilson_interval(0, 0) is None
    low, high = scoring.wilson_interval(10, 10)
    assert high == pytest.approx(100.0)
    assert low == pytest.approx(72.2467, abs=1e-3)  # n/(n+z²) = 10/13.8416


def test_unit_index_is_mean_of_criteria_indices():
    assert scoring.unit_index([66.6667, 50.0]) == pytest.approx(58.33335)
    assert scoring.unit_index([80.0, None, 60.0]) == pytest.approx(70.0)
    assert scoring.unit_index([None]) is None
    assert scoring.unit_index([]) is None


def test_ranking_within_groups_with_ties_and_small_samples():
    rows = [
        scoring.Rankable("A", "g1", 58.3, 3, True),
        scoring.Rankable("B", "g1", 100.0, 3, True),
        scoring.Rankable("F", "g1", 100.0, 4, True),  # same index as B, more answers: ahead
        scoring.Rankable("C", "g1", 87.5, 4, True),
        scoring.Rankable("Z", "g1", 100.0, 2, False),  # too few answers: not ranked
        scoring.Rankable("D", "g2", 90.0, 40, True),
        scoring.Rankable("E", None, 99.0, 40, True),  # no group: no rank
        scoring.Rankable("G", "g2", 90.0, 40, True),  # full tie with D: code decides
    ]
    ranks = scoring.rank_within_groups(rows)
    assert ranks == {"F": 1, "B": 2, "C": 3, "A": 4, "Z": None, "D": 1, "G": 2, "E": None}


@pytest.mark.parametrize(
    ("score", "label"),
    [
        (95, "xuat_sac"),
        (90, "xuat_sac"),
        (89.99, "tot"),
        (80, "tot"),
        (75, "kha"),
        (50, "trung_binh"),
        (49.9, "yeu"),
        (0, "yeu"),
        (None, None),
    ],
)
def test_classification_ladder(score, label):
    assert scoring.classify(score) == label


def test_wilson_bounds_stay_inside_0_and_100_exactly_at_the_ends():
    for answers in (1, 2, 7, 30, 1000, 123457):
        low, high = scoring.wilson_interval(answers, answers)
        assert high == 100.0 and 0 < low < 100
        low, high = scoring.wilson_interval(0, answers)
        assert low == 0.0 and 0 < high < 100
    for satisfied in range(0, 31):
        low, high = scoring.wilson_interval(satisfied, 30)
        assert 0.0 <= low <= 100 * satisfied / 30 <= high <= 100.0


def test_classification_ladders_are_configurable():
    ladder = (("a", 95), ("b", 85), ("c", 75), ("d", None))
    assert scoring.classify(85, ladder) == "b"
    assert scoring.classify(84.99, ladder) == "c"
    assert scoring.classify(0, ladder) == "d"
    # Float noise of a sum of products: 89.99999999999999 is the 90 the sheet prints.
    noisy = 100 * (0.3 + 0.6)
    assert noisy < 90 and scoring.classify(noisy) == "xuat_sac"


@pytest.mark.parametrize(
    ("scores", "ranks"),
    [
        ([("a", 90), ("b", 80), ("c", 80), ("d", 70)], {"a": 1, "b": 2, "c": 2, "d": 4}),
        ([("a", 50), ("b", 50), ("c", 50)], {"a": 1, "b": 1, "c": 1}),
        ([("a", 0.1 + 0.2), ("b", 0.3), ("c", 0.1)], {"a": 1, "b": 1, "c": 3}),
        ([], {}),
    ],
)
def test_ties_share_a_rank(scores, ranks):
    assert scoring.shared_ranks(scores) == ranks


def test_neighbours_whose_difference_is_not_significant():
    # 87.9 % of 73 and 87.0 % of 50: about ±8 points each, no significant difference.
    assert not scoring.differ_significantly(87.9, 73, 87.0, 50)
    assert scoring.differ_significantly(95.0, 400, 80.0, 400)
    low, high = scoring.share_interval(87.9, 73)
    assert 76 < low < 80 and 93 < high < 95
