"""A period's score sheet: points per item, item 4's rule, the classes. The defaults follow the
plan (100 points) and common provincial practice; each period may change them."""

from __future__ import annotations

import copy

from flask_babel import lazy_gettext as _l

from core import audit
from core.audit import Actor
from core.errors import ValidationFailed
from core.extensions import db
from core.models import PLAN_ITEMS, CompetitionPeriod
from core.ratings.scoring import CLASS_CUTOFFS, CLASSES

ITEM4_MODES = ("linear", "tt01_2018")
DEFAULT = {
    "points": {"1": 10, "2": 10, "3": 20, "4": 20, "5": 30, "6": 10},
    # linear: 20 × on-time rate / 100; tt01_2018: 100 % → full, ≥ 90 % → half, below → 0.
    "item4": "linear",
    "classes": [
        {"code": code, "label": label, "min": cutoff}
        for code, label, cutoff in zip(
            CLASSES, ("Xuất sắc", "Tốt", "Khá", "Trung bình", "Yếu"), (*CLASS_CUTOFFS, None), strict=True
        )
    ],
}


def settings_of(period: CompetitionPeriod) -> dict:
    """The period's score sheet, the defaults filling whatever it does not set."""
    merged = copy.deepcopy(DEFAULT)
    for key, value in (period.config or {}).items():
        if key in merged:
            merged[key] = copy.deepcopy(value)
    return merged


def _problems(config: dict) -> dict[str, str]:
    fields: dict[str, str] = {}
    points = config.get("points", {})
    if set(points) != {str(i) for i in PLAN_ITEMS} or not all(
        isinstance(v, int | float) and not isinstance(v, bool) and 0 <= v <= 100 for v in points.values()
    ):
        fields["points"] = "points 0-100 for each of items 1 to 6"
    if config.get("item4") not in ITEM4_MODES:
        fields["item4"] = f"one of {', '.join(ITEM4_MODES)}"
    classes = config.get("classes", [])
    cutoffs = [c.get("min") for c in classes[:-1]] if classes else []
    if (
        len(classes) < 2
        or classes[-1].get("min") is not None
        or not all(isinstance(c, int | float) for c in cutoffs)
        or cutoffs != sorted(cutoffs, reverse=True)
        or not all(str(c.get("code", "")).strip() and str(c.get("label", "")).strip() for c in classes)
    ):
        fields["classes"] = "codes and labels, cut-offs from high to low, the last without a cut-off"
    return fields


def set_settings(actor: Actor, period: CompetitionPeriod, config: dict) -> CompetitionPeriod:
    merged = copy.deepcopy(DEFAULT)
    merged.update({k: v for k, v in config.items() if k in DEFAULT})
    fields = _problems(merged)
    if fields:
        raise ValidationFailed(_l("Cấu hình bảng điểm không hợp lệ."), fields)
    before = settings_of(period)
    period.config = merged
    db.session.flush()
    audit.record(actor, "period.settings", period.code, audit.diff(before, merged))
    return period


def class_of(score: float | None, classes: list[dict]) -> str | None:
    """The first class whose cut-off the score reaches (the last has none); None without a score."""
    if score is None:
        return None
    for entry in classes:
        if entry["min"] is None or score >= entry["min"] - 1e-9:
            return entry["code"]
    return None
