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


def classify(score: float | None, cutoffs: Sequence[float] = CLASS_CUTOFFS) -> str | None:
    """Place a score out of 100 on the ladder; returns a code of CLASSES (None without a score)."""
    if score is None:
        return None
    for code, cutoff in zip(CLASSES, cutoffs, strict=False):
        if score >= cutoff:
            return code
    return CLASSES[-1]
