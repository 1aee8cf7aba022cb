"""Survey versions. A version with answers is never edited: saving makes a new, inactive version,
and activating one makes every kiosk and QR page use it."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from core import audit
from core.audit import Actor
from core.errors import ValidationFailed
from core.extensions import db
from core.models import SIPAS_ELEMENTS, Criterion, Reason, Survey
from core.ratings.scoring import SCALES

CODE_LENGTH = Criterion.__table__.c.code.type.length
LABEL_LENGTH = Criterion.__table__.c.label.type.length
QUESTION_LENGTH = Criterion.__table__.c.question.type.length
TITLE_LENGTH = Survey.__table__.c.title.type.length
# The score sheet's items a survey measures; items 1-4 come from the units' figures and the cases.
SURVEY_ITEMS = (None, 5, 6)


@dataclass(frozen=True)
class CriterionSpec:
    code: str
    label: str
    question: str
    required: bool = False
    sipas_element: str | None = None
    # The plan item the criterion measures on the score sheet: 5 (reception) or 6 (office and staff).
    plan_item: int | None = None


@dataclass(frozen=True)
class ReasonSpec:
    code: str
    label: str


def active_survey() -> Survey | None:
    return db.session.scalar(sa.select(Survey).where(Survey.active.is_(True)).order_by(Survey.id.desc()))


def _criterion_problem(spec: CriterionSpec, codes: list[str]) -> str | None:
    if not spec.code or len(spec.code) > CODE_LENGTH or codes.count(spec.code) > 1:
        return f"a unique code of 1 to {CODE_LENGTH} characters"
    if not spec.label or not spec.question or len(spec.label) > LABEL_LENGTH:
        return f"a label (at most {LABEL_LENGTH}) and a question"
    if len(spec.question) > QUESTION_LENGTH:
        return f"a question of at most {QUESTION_LENGTH} characters"
    if spec.plan_item not in SURVEY_ITEMS:
        return "plan item 5 (reception quality), 6 (office and staff) or none"
    if spec.sipas_element and spec.sipas_element not in SIPAS_ELEMENTS:
        return f"SIPAS element one of {', '.join(SIPAS_ELEMENTS)}"
    return None


def _reason_problem(spec: ReasonSpec, codes: list[str]) -> str | None:
    if not spec.code or len(spec.code) > CODE_LENGTH or codes.count(spec.code) > 1:
        return f"a unique code of 1 to {CODE_LENGTH} characters"
    if not spec.label or len(spec.label) > LABEL_LENGTH:
        return f"a label of 1 to {LABEL_LENGTH} characters"
    return None


def _first_problem(specs: list, check) -> str | None:
    codes = [spec.code for spec in specs]
    for number, spec in enumerate(specs, start=1):
        problem = check(spec, codes)
        if problem:
            return f"line {number}: {problem}"
    return None


def _check_specs(criteria: list[CriterionSpec], reasons: list[ReasonSpec]) -> dict[str, str]:
    fields: dict[str, str] = {}
    problem = _first_problem(criteria, _criterion_problem)
    if problem:
        fields["criteria"] = problem
    elif not criteria:
        fields["criteria"] = "at least one criterion"
    elif not any(c.required for c in criteria):
        fields["criteria"] = "at least one required criterion (the main question)"
    problem = _first_problem(reasons, _reason_problem)
    if problem:
        fields["reasons"] = problem
    return fields


def create_version(
    actor: Actor, base: Survey, *, title: str, levels: int, criteria: list[CriterionSpec], reasons: list[ReasonSpec]
) -> Survey:
    """A new, inactive version of `base`'s survey; English texts carry over by code."""
    fields = _check_specs(criteria, reasons)
    if not title or len(title) > TITLE_LENGTH:
        fields["title"] = f"1 to {TITLE_LENGTH} characters"
    if levels not in SCALES:
        fields["scale"] = f"one of {', '.join(map(str, SCALES))} levels"
    if fields:
        raise ValidationFailed(_l("Không lưu được phiếu khảo sát."), fields)
    old_criteria = {c.code: c for c in base.criteria}
    old_reasons = {r.code: r for r in base.reasons}
    version = (db.session.scalar(sa.select(sa.func.max(Survey.version)).where(Survey.code == base.code)) or 0) + 1
    survey = Survey(code=base.code, version=version, title=title, scale=SCALES[levels], active=False)
    survey.criteria = [
        Criterion(
            code=spec.code,
            label=spec.label,
            question=spec.question,
            label_en=old_criteria[spec.code].label_en if spec.code in old_criteria else "",
            question_en=old_criteria[spec.code].question_en if spec.code in old_criteria else "",
            required=spec.required,
            sipas_element=spec.sipas_element or None,
            plan_item=spec.plan_item,
            position=position,
        )
        for position, spec in enumerate(criteria)
    ]
    survey.reasons = [
        Reason(
            code=spec.code,
            label=spec.label,
            label_en=old_reasons[spec.code].label_en if spec.code in old_reasons else "",
            position=position,
        )
        for position, spec in enumerate(reasons)
    ]
    db.session.add(survey)
    db.session.flush()
    audit.record(
        actor,
        "survey.new_version",
        f"{survey.code} v{version}",
        # Joined, not lists: an audit value of two items reads as [before, after].
        {
            "from_version": base.version,
            "criteria": ", ".join(c.code for c in criteria),
            "reasons": ", ".join(r.code for r in reasons),
        },
    )
    return survey


def activate(actor: Actor, survey: Survey) -> Survey:
    """Make this version the one every kiosk and QR page uses."""
    previous = active_survey()
    db.session.execute(sa.update(Survey).where(Survey.id != survey.id).values(active=False))
    survey.active = True
    db.session.flush()
    audit.record(
        actor,
        "survey.activate",
        f"{survey.code} v{survey.version}",
        {"previous": f"{previous.code} v{previous.version}" if previous else None},
    )
    return survey
