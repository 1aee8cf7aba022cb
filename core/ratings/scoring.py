"""Pure functions: every formula of the service, defined once.

Screens, exports, the API and the public page all call these, so a unit's figures agree everywhere.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# A score at or above this is "Hài lòng" or "Rất hài lòng" (SIPAS: satisfied).
SATISFIED_MIN_SCORE = 4
Z95 = 1.96
# The classification ladder, as codes (the doors translate them): Xuất sắc / Tốt / Khá /
# Trung bình / Yếu, with the cut-offs common in practice.
CLASSES = ("xuat_sac", "tot", "kha", "trung_binh", "yeu")
CLASS_CUTOFFS = (90.0, 80.0, 70.0, 50.0)

# The scales a survey may use. Three levels keep the five-level scores (2 / 4 / 5), so
# "satisfied" stays "score >= SATISFIED_MIN_SCORE" and means stay comparable across surveys.
# (Migration 0002 keeps its own frozen copy of the five-level scale.)
SCALES = {
    5: [
        {"score": 1, "label": "Rất không hài lòng", "label_en": "Very dissatisfied"},
        {"score": 2, "label": "Không hài lòng", "label_en": "Dissatisfied"},
        {"score": 3, "label": "Bình thường", "label_en": "Neutral"},
        {"score": 4, "label": "Hài lòng", "label_en": "Satisfied"},
        {"score": 5, "label": "Rất hài lòng", "label_en": "Very satisfied"},
    ],
    3: [
        {"score": 2, "label": "Không hài lòng", "label_en": "Dissatisfied"},
        {"score": 4, "label": "Hài lòng", "label_en": "Satisfied"},
        {"score": 5, "label": "Rất hài lòng", "label_en": "Very satisfied"},
    ],
}


def satisfaction_index(satisfied: int, answers: int) -> float | None:
    """Share of answers that are satisfied, in percent; None without answers."""
    if answers <= 0:
        return None
    return 100.0 * satisfied / answers


def wilson_interval(satisfied: int, answers: int, z: float = Z95) -> tuple[float, float] | None:
    """Wilson score interval of a proportion, without continuity correction, in percent, in [0, 100].

    At p = 0 and p = 1 the bound on that side is exactly 0 or 100: the formula gives it only up to
    rounding (99.99999999999999), which a report would print as a bound below 100 %.
    """
    if answers <= 0:
        return None
    p = satisfied / answers
    denominator = 1 + z * z / answers
    centre = (p + z * z / (2 * answers)) / denominator
    half = z * math.sqrt(p * (1 - p) / answers + z * z / (4 * answers * answers)) / denominator
    low = 0.0 if satisfied <= 0 else min(100.0, max(0.0, 100.0 * (centre - half)))
    high = 100.0 if satisfied >= answers else min(100.0, max(0.0, 100.0 * (centre + half)))
    return (low, high)


def unit_index(criterion_indices: Iterable[float | None]) -> float | None:
    """A unit's index is the plain mean of its criteria's indices (criteria without answers left out)."""
    values = [value for value in criterion_indices if value is not None]
    if not values:
        return None
    return sum(values) / len(values)


def is_ranked(responses: int, min_sample: int) -> bool:
    return responses >= min_sample


@dataclass(frozen=True)
class Rankable:
    key: str
    group: str | None
    index: float | None
    responses: int
    ranked: bool


def rank_within_groups(rows: Sequence[Rankable]) -> dict[str, int | None]:
    """Rank ranked rows inside their group: index high first; ties by more responses, then code.

    Rows not ranked (too few answers) or without a group get None.
    """
    ranks: dict[str, int | None] = {row.key: None for row in rows}
    groups: dict[str, list[Rankable]] = {}
    for row in rows:
        if row.ranked and row.group is not None and row.index is not None:
            groups.setdefault(row.group, []).append(row)
    for members in groups.values():
        members.sort(key=lambda r: (-r.index, -r.responses, r.key))
        for position, row in enumerate(members, start=1):
            ranks[row.key] = position
    return ranks


# (code, cut-off) from the top; the last class takes every score below the others.
DEFAULT_LADDER: tuple[tuple[str, float | None], ...] = tuple(zip(CLASSES, (*CLASS_CUTOFFS, None), strict=True))
# Scores are sums of products of percentages: compare them to a cut-off or to each other at this
# precision, so 89.99999999999999 is 90 (as the sheet prints it) and ties are real ties.
SCORE_EPSILON = 1e-9


def classify(score: float | None, ladder: Sequence[tuple[str, float | None]] = DEFAULT_LADDER) -> str | None:
    """Place a score out of 100 on a ladder of (code, cut-off); None without a score."""
    if score is None:
        return None
    for code, cutoff in ladder:
        if cutoff is None or score >= cutoff - SCORE_EPSILON:
            return code
    return None


def shared_ranks(scores: Sequence[tuple[str, float]]) -> dict[str, int]:
    """Standard competition ranking: high score first, equal scores share a rank (1, 2, 2, 4).
    Ties are broken by nothing: the sheet shows them as ties."""
    ordered = sorted(scores, key=lambda item: -item[1])
    ranks: dict[str, int] = {}
    previous, rank = None, 0
    for position, (key, score) in enumerate(ordered, start=1):
        if previous is None or abs(score - previous) > SCORE_EPSILON:
            rank = position
        ranks[key] = rank
        previous = score
    return ranks


def share_interval(share: float | None, respondents: int, z: float = Z95) -> tuple[float, float] | None:
    """The Wilson interval of a unit's index, read as the share of `respondents` who were satisfied
    (the index is a mean of criterion shares; its respondents are the unit's counted answers)."""
    if share is None or respondents <= 0:
        return None
    return wilson_interval(share / 100.0 * respondents, respondents, z)


def differ_significantly(a: float, n_a: int, b: float, n_b: int, z: float = Z95) -> bool:
    """Two indices (percent) on n_a and n_b respondents: is their difference significant at 95 %?
    The pooled two-proportion z-test; False when either has no respondents."""
    if n_a <= 0 or n_b <= 0:
        return False
    p_a, p_b = a / 100.0, b / 100.0
    pooled = (p_a * n_a + p_b * n_b) / (n_a + n_b)
    spread = math.sqrt(pooled * (1 - pooled) * (1 / n_a + 1 / n_b))
    if spread == 0:
        return p_a != p_b
    return abs(p_a - p_b) / spread >= z
