"""What the public page shows of a frozen review or of the live index: plain rows per competition
group, with every figure already formatted in the reader's locale (86,50 in Vietnamese).

Only these fields of a frozen sheet row ever leave here: the unit's name, its group, score, class,
rank, whether it was ranked, its satisfaction index and number of answers. The sheet's adjustment
reasons and the review's award decisions are the office's working notes and stay private.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import format_decimal
from flask_babel import gettext as translate
from flask_babel import lazy_gettext as _l

from core.competition.settings import DEFAULT
from core.extensions import db
from core.models import CompetitionGroup, FrozenReview
from core.reporting.queries import UnitSatisfaction
from core.timeutil import LOCAL_TZ

STAGE_LABELS = {"so_ket": _l("Sơ kết"), "tong_ket": _l("Tổng kết")}
# The default ladder's labels, so a review keeping them reads in English too; a period's own
# labels are shown as the office wrote them.
CLASS_LABELS = (_l("Xuất sắc"), _l("Tốt"), _l("Khá"), _l("Trung bình"), _l("Yếu"))
NO_GROUP = _l("Không thuộc khối, cụm thi đua")
DASH = "–"


def score_text(value: float | None) -> str:
    return DASH if value is None else format_decimal(value, format="#,##0.00")


def index_text(value: float | None) -> str:
    return DASH if value is None else format_decimal(value, format="#,##0.0")


def count_text(value: int | None) -> str:
    return DASH if value is None else format_decimal(value, format="#,##0")


def day_text(value) -> str:
    return value.strftime("%d/%m/%Y")


def moment_text(value) -> str:
    return value.astimezone(LOCAL_TZ).strftime("%d/%m/%Y %H:%M") if value is not None else DASH


def stage_label(stage: str) -> str:
    return str(STAGE_LABELS.get(stage, stage))


@dataclass
class Line:
    """One unit's line in a group's table (and bar in its chart)."""

    name: str
    ranked: bool
    rank: int | None
    score: float | None
    score_text: str
    class_label: str
    index_text: str
    responses_text: str

    @property
    def rank_text(self) -> str:
        return str(self.rank) if self.rank is not None else DASH


@dataclass
class Group:
    code: str | None
    name: str
    lines: list[Line] = field(default_factory=list)

    @property
    def ranked_lines(self) -> list[Line]:
        return [line for line in self.lines if line.rank is not None]


def _ordered(groups: dict[str | None, Group]) -> list[Group]:
    """Groups by code, the units without a group last; in each, ranked units by rank, then the rest
    by name."""
    for group in groups.values():
        group.lines.sort(key=lambda line: (line.rank is None, line.rank or 0, line.name))
    return sorted(groups.values(), key=lambda g: (g.code is None, g.code or ""))


def leaders(groups: list[Group], top: int) -> list[Group]:
    """The first `top` ranked units of each competition group (the TV view)."""
    out = []
    for group in groups:
        if group.code is not None and group.ranked_lines:
            out.append(Group(group.code, group.name, group.ranked_lines[:top]))
    return out


def class_labels(review: FrozenReview) -> dict[str, str]:
    classes = review.config.get("classes") or DEFAULT["classes"]
    return {entry["code"]: translate(entry["label"]) for entry in classes}


def review_groups(review: FrozenReview) -> list[Group]:
    labels = class_labels(review)
    groups: dict[str | None, Group] = {}
    for row in review.sheet:
        code = row.get("group")
        group = groups.get(code)
        if group is None:
            group = groups[code] = Group(code, row.get("group_name") or (code if code else str(NO_GROUP)))
        klass = row.get("class")
        group.lines.append(
            Line(
                name=row["name"],
                ranked=bool(row.get("ranked")),
                rank=row.get("rank"),
                score=row.get("score"),
                score_text=score_text(row.get("score")),
                class_label=labels.get(klass, klass) if klass else DASH,
                index_text=index_text(row.get("index")),
                responses_text=count_text(row.get("responses")),
            )
        )
    return _ordered(groups)


def cutoffs(review: FrozenReview) -> list[tuple[float, str]]:
    """(minimum score, class label) of each class that has a cut-off, high to low."""
    labels = class_labels(review)
    classes = review.config.get("classes") or DEFAULT["classes"]
    return [(float(c["min"]), labels[c["code"]]) for c in classes if c.get("min") is not None]


def live_groups(rows: list[UnitSatisfaction]) -> list[Group]:
    names = dict(db.session.execute(sa.select(CompetitionGroup.code, CompetitionGroup.name)).all())
    groups: dict[str | None, Group] = {}
    for row in rows:
        group = groups.get(row.group)
        if group is None:
            group = groups[row.group] = Group(row.group, names.get(row.group, row.group or str(NO_GROUP)))
        group.lines.append(
            Line(
                name=row.name,
                ranked=row.ranked,
                rank=row.rank,
                score=None,
                score_text=DASH,
                class_label=DASH,
                index_text=index_text(row.index),
                responses_text=count_text(row.responses),
            )
        )
    return _ordered(groups)
