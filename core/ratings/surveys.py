"""Survey versions. A version with answers is never edited: saving makes a new, inactive version,
and activating one makes every kiosk and QR page use it.

So a version's content never changes once created, and the write path and the survey pages read it
from `version_of`, a per-process copy keyed by (id, created_at), instead of reloading the survey,
its criteria and its reasons for every answer. Only which version is active changes: that is read
from the database every time (`ACTIVE_ID`, a subquery the doors fold into their own lookups).
Keying on created_at too means a version id reused after a rolled-back creation (SQLite reuses the
highest rowid) is never served from a stale copy."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from core import audit
from core.audit import Actor
from core.errors import ValidationFailed
from core.extensions import db
from core.models import SIPAS_ELEMENTS, Criterion, Reason, Survey
from core.ratings.scoring import SCALES
from core.text import fold, slugify

CODE_LENGTH = Criterion.__table__.c.code.type.length
LABEL_LENGTH = Criterion.__table__.c.label.type.length
QUESTION_LENGTH = Criterion.__table__.c.question.type.length
TITLE_LENGTH = Survey.__table__.c.title.type.length
# The score sheet's items a survey measures; items 1-4 come from the units' figures and the cases.
SURVEY_ITEMS = (None, 5, 6)


@dataclass(frozen=True)
class CriterionSpec:
    # Empty for a new criterion: create_version makes one from the label. An existing criterion
    # keeps its code across versions, so reports compare it over time.
    code: str
    label: str
    question: str
    required: bool = False
    sipas_element: str | None = None
    # The plan item the criterion measures on the score sheet: 5 (reception) or 6 (office and staff).
    plan_item: int | None = None
    # None: carried over from the base version's criterion of the same code; "" clears it.
    label_en: str | None = None
    question_en: str | None = None


@dataclass(frozen=True)
class ReasonSpec:
    code: str
    label: str
    label_en: str | None = None


def active_survey() -> Survey | None:
    return db.session.scalar(sa.select(Survey).where(Survey.active.is_(True)).order_by(Survey.id.desc()))


# The active version's id, as a scalar subquery to fold into another lookup (the device's, the point's).
ACTIVE_ID = sa.select(Survey.id).where(Survey.active.is_(True)).order_by(Survey.id.desc()).limit(1).scalar_subquery()


@dataclass(frozen=True)
class CriterionView:
    id: int
    code: str
    label: str
    label_en: str
    question: str
    question_en: str
    position: int
    required: bool
    sipas_element: str | None
    plan_item: int | None


@dataclass(frozen=True)
class ReasonView:
    id: int
    code: str
    label: str
    label_en: str
    position: int


@dataclass(frozen=True)
class SurveyVersion:
    """A survey version as read once: the attributes of `Survey` the doors and the write path use,
    with the lookups they need precomputed. Never changes (a version is never edited)."""

    id: int
    code: str
    version: int
    title: str
    scale: tuple[dict, ...]
    created_at: datetime
    criteria: tuple[CriterionView, ...]
    reasons: tuple[ReasonView, ...]
    scores: tuple[int, ...] = field(init=False)
    criterion_ids: dict[str, int] = field(init=False)
    reason_ids: dict[str, int] = field(init=False)
    required: tuple[str, ...] = field(init=False)
    main_code: str = field(init=False)

    def __post_init__(self) -> None:
        values = {
            "scores": tuple(item["score"] for item in self.scale),
            "criterion_ids": {c.code: c.id for c in self.criteria},
            "reason_ids": {r.code: r.id for r in self.reasons},
            "required": tuple(c.code for c in self.criteria if c.required),
            # The main question: the first required criterion (the kiosk's first screen).
            "main_code": next((c.code for c in self.criteria if c.required), self.criteria[0].code),
        }
        for name, value in values.items():
            object.__setattr__(self, name, value)

    @classmethod
    def of(cls, survey: Survey) -> SurveyVersion:
        return cls(
            id=survey.id,
            code=survey.code,
            version=survey.version,
            title=survey.title,
            scale=tuple(dict(item) for item in survey.scale),
            created_at=survey.created_at,
            criteria=tuple(
                CriterionView(
                    c.id,
                    c.code,
                    c.label,
                    c.label_en or "",
                    c.question,
                    c.question_en or "",
                    c.position,
                    c.required,
                    c.sipas_element,
                    c.plan_item,
                )
                for c in survey.criteria
            ),
            reasons=tuple(ReasonView(r.id, r.code, r.label, r.label_en or "", r.position) for r in survey.reasons),
        )


def _versions() -> dict:
    return current_app.extensions.setdefault("survey_versions", {})


def version_of(survey: Survey | SurveyVersion | int | None, created_at: datetime | None = None) -> SurveyVersion | None:
    """The cached copy of a version: from a Survey row, or from its id (with its created_at when the
    caller read it already, saving the check that the id still names the same version)."""
    if survey is None or isinstance(survey, SurveyVersion):
        return survey
    versions = _versions()
    if isinstance(survey, Survey):
        key = (survey.id, survey.created_at)
        if key not in versions:
            versions[key] = SurveyVersion.of(survey)
        return versions[key]
    if created_at is None:
        created_at = db.session.scalar(sa.select(Survey.created_at).where(Survey.id == survey))
        if created_at is None:
            return None
    key = (survey, created_at)
    cached = versions.get(key)
    if cached is None:
        row = db.session.get(Survey, survey)
        if row is None or row.created_at != created_at:
            return None
        cached = versions[key] = SurveyVersion.of(row)
    return cached


def active_version() -> SurveyVersion | None:
    """The active version, with one small read (which version is active) when its copy is cached."""
    row = db.session.execute(
        sa.select(Survey.id, Survey.created_at).where(Survey.active.is_(True)).order_by(Survey.id.desc()).limit(1)
    ).first()
    return version_of(row.id, row.created_at) if row else None


def with_codes(specs: list, fallback: str) -> list:
    """The specs, those without a code given one made from their Vietnamese label ("Thái độ cán
    bộ" → "thai-do-can-bo"), unique among the list's codes (a "-2" suffix when needed)."""
    taken = {spec.code for spec in specs if spec.code}
    coded = []
    for spec in specs:
        if not spec.code:
            base = slugify(spec.label, CODE_LENGTH - 4) or fallback
            code, number = base, 2
            while code in taken:
                code, number = f"{base}-{number}", number + 1
            taken.add(code)
            spec = replace(spec, code=code)
        coded.append(spec)
    return coded


def _same_label(spec, specs: list) -> bool:
    return sum(fold(other.label).strip() == fold(spec.label).strip() for other in specs) > 1


def _criterion_problem(spec: CriterionSpec, codes: list[str], specs: list[CriterionSpec]) -> str | None:
    if not spec.code or len(spec.code) > CODE_LENGTH or codes.count(spec.code) > 1:
        return f"a unique code of 1 to {CODE_LENGTH} characters"
    if not spec.label or not spec.question or len(spec.label) > LABEL_LENGTH:
        return f"a label (at most {LABEL_LENGTH}) and a question"
    if _same_label(spec, specs):
        return "a label no other criterion has"
    if len(spec.question) > QUESTION_LENGTH:
        return f"a question of at most {QUESTION_LENGTH} characters"
    if len(spec.label_en or "") > LABEL_LENGTH or len(spec.question_en or "") > QUESTION_LENGTH:
        return f"an English label of at most {LABEL_LENGTH} and question of at most {QUESTION_LENGTH} characters"
    if spec.plan_item not in SURVEY_ITEMS:
        return "plan item 5 (reception quality), 6 (office and staff) or none"
    if spec.sipas_element and spec.sipas_element not in SIPAS_ELEMENTS:
        return f"SIPAS element one of {', '.join(SIPAS_ELEMENTS)}"
    return None


def _reason_problem(spec: ReasonSpec, codes: list[str], specs: list[ReasonSpec]) -> str | None:
    if not spec.code or len(spec.code) > CODE_LENGTH or codes.count(spec.code) > 1:
        return f"a unique code of 1 to {CODE_LENGTH} characters"
    if not spec.label or len(spec.label) > LABEL_LENGTH or len(spec.label_en or "") > LABEL_LENGTH:
        return f"a label of 1 to {LABEL_LENGTH} characters"
    if _same_label(spec, specs):
        return "a label no other reason has"
    return None


def _first_problem(specs: list, check) -> str | None:
    codes = [spec.code for spec in specs]
    for number, spec in enumerate(specs, start=1):
        problem = check(spec, codes, specs)
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
    """A new, inactive version of `base`'s survey. New criteria and reasons get codes made from
    their labels; English texts not given carry over by code."""
    criteria = with_codes(criteria, "tieu-chi")
    reasons = with_codes(reasons, "ly-do")
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
            label_en=_english(spec.label_en, old_criteria.get(spec.code), "label_en"),
            question_en=_english(spec.question_en, old_criteria.get(spec.code), "question_en"),
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
            label_en=_english(spec.label_en, old_reasons.get(spec.code), "label_en"),
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


def _english(given: str | None, old: Criterion | Reason | None, attribute: str) -> str:
    if given is not None:
        return given
    return getattr(old, attribute) if old is not None else ""


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
