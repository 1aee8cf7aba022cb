"""Typed SQLAlchemy 2.0 models of the whole service."""

from __future__ import annotations

import uuid
from datetime import date, datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from core.extensions import db
from core.timeutil import UTCDateTime, utcnow

ROLES = ("province_admin", "unit_manager", "viewer")
CHANNELS = ("kiosk", "qr", "visit")
FLAGS = ("misuse", "repeat", "clock")
SIPAS_ELEMENTS = ("access", "procedure", "civil_servant", "result", "feedback")


class CompetitionGroup(db.Model):
    __tablename__ = "competition_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(255))
    leader_unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id", use_alter=True, ondelete="SET NULL"))

    leader: Mapped[Unit | None] = relationship(foreign_keys=[leader_unit_id])


class Unit(db.Model):
    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(255))
    kind: Mapped[str] = mapped_column(sa.String(32))
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"), index=True)
    group_id: Mapped[int | None] = mapped_column(sa.ForeignKey("competition_groups.id"), index=True)

    parent: Mapped[Unit | None] = relationship(remote_side=[id])
    group: Mapped[CompetitionGroup | None] = relationship(foreign_keys=[group_id])
    points: Mapped[list[Point]] = relationship(back_populates="unit")


class Point(db.Model):
    """A reception point (điểm tiếp nhận): the kiosk and the QR poster belong to it."""

    __tablename__ = "points"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(255))
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)
    # The secret in the poster URL /s/<token>; rotating it retires old posters.
    public_token: Mapped[str] = mapped_column(sa.String(64), unique=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    unit: Mapped[Unit] = relationship(back_populates="points")

    @property
    def unit_name(self) -> str:
        return self.unit.name


class Survey(db.Model):
    """One version of the questionnaire; exactly one version is active at a time."""

    __tablename__ = "surveys"
    __table_args__ = (sa.UniqueConstraint("code", "version", name="uq_surveys_code_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(64))
    version: Mapped[int]
    title: Mapped[str] = mapped_column(sa.String(255))
    # [{"score": 1, "label": "Rất không hài lòng", "label_en": "Very dissatisfied"}, ...]
    scale: Mapped[list] = mapped_column(sa.JSON)
    active: Mapped[bool] = mapped_column(default=False, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    criteria: Mapped[list[Criterion]] = relationship(
        back_populates="survey", order_by="Criterion.position", cascade="all, delete-orphan"
    )
    reasons: Mapped[list[Reason]] = relationship(
        back_populates="survey", order_by="Reason.position", cascade="all, delete-orphan"
    )

    @property
    def scores(self) -> list[int]:
        return [item["score"] for item in self.scale]


class Criterion(db.Model):
    __tablename__ = "criteria"
    __table_args__ = (sa.UniqueConstraint("survey_id", "code", name="uq_criteria_survey_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(sa.ForeignKey("surveys.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(sa.String(64))
    label: Mapped[str] = mapped_column(sa.String(255))
    label_en: Mapped[str] = mapped_column(sa.String(255), default="")
    question: Mapped[str] = mapped_column(sa.String(500))
    question_en: Mapped[str] = mapped_column(sa.String(500), default="")
    position: Mapped[int] = mapped_column(default=0)
    required: Mapped[bool] = mapped_column(default=False)
    sipas_element: Mapped[str | None] = mapped_column(sa.String(32))
    # The plan's content item (1-6) this criterion measures: 5 reception quality, 6 office and staff.
    plan_item: Mapped[int | None] = mapped_column()

    survey: Mapped[Survey] = relationship(back_populates="criteria")


class Reason(db.Model):
    """A reason offered after a low score (phải chờ lâu, thái độ chưa tốt, ...)."""

    __tablename__ = "reasons"
    __table_args__ = (sa.UniqueConstraint("survey_id", "code", name="uq_reasons_survey_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(sa.ForeignKey("surveys.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(sa.String(64))
    label: Mapped[str] = mapped_column(sa.String(255))
    label_en: Mapped[str] = mapped_column(sa.String(255), default="")
    position: Mapped[int] = mapped_column(default=0)

    survey: Mapped[Survey] = relationship(back_populates="reasons")


class Response(db.Model):
    """One citizen's rating. The primary key is the client's UUID: that makes retries idempotent.

    No IP address, user agent or other identifier of the citizen's device is stored here.
    `device_id` names the unit's own kiosk tablet, which the misuse filter needs.
    """

    __tablename__ = "responses"
    __table_args__ = (
        sa.Index("ix_responses_point_answered", "point_id", "answered_at"),
        sa.Index("ix_responses_device_answered", "device_id", "answered_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True)
    point_id: Mapped[int] = mapped_column(sa.ForeignKey("points.id"))
    survey_id: Mapped[int] = mapped_column(sa.ForeignKey("surveys.id"))
    channel: Mapped[str] = mapped_column(sa.String(16))
    device_id: Mapped[int | None] = mapped_column(sa.ForeignKey("kiosk_devices.id", ondelete="SET NULL"))
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # NULL when counted; "misuse", "repeat" or "clock" when stored but left out of figures.
    flag: Mapped[str | None] = mapped_column(sa.String(16))
    comment: Mapped[str | None] = mapped_column(sa.Text)
    contact_name: Mapped[str | None] = mapped_column(sa.String(120))
    contact_phone: Mapped[str | None] = mapped_column(sa.String(32))
    contact_consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    contact_consent_text: Mapped[str | None] = mapped_column(sa.String(500))
    # SHA-256 of the canonical body: the same id with another body is a conflict.
    body_hash: Mapped[str] = mapped_column(sa.String(64))

    point: Mapped[Point] = relationship()
    survey: Mapped[Survey] = relationship()
    answers: Mapped[list[Answer]] = relationship(back_populates="response", cascade="all, delete-orphan")
    reasons: Mapped[list[ResponseReason]] = relationship(cascade="all, delete-orphan")


class Answer(db.Model):
    __tablename__ = "answers"
    __table_args__ = (sa.UniqueConstraint("response_id", "criterion_id", name="uq_answers_response_criterion"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("responses.id", ondelete="CASCADE"))
    criterion_id: Mapped[int] = mapped_column(sa.ForeignKey("criteria.id"), index=True)
    score: Mapped[int] = mapped_column(sa.SmallInteger)

    response: Mapped[Response] = relationship(back_populates="answers")
    criterion: Mapped[Criterion] = relationship()


class ResponseReason(db.Model):
    __tablename__ = "response_reasons"

    response_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("responses.id", ondelete="CASCADE"), primary_key=True)
    reason_id: Mapped[int] = mapped_column(sa.ForeignKey("reasons.id"), primary_key=True)

    reason: Mapped[Reason] = relationship()


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[str] = mapped_column(sa.String(32))
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"))
    must_change_password: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    # Where the unit's notifications (alerts, cases, reminders) reach a manager.
    email: Mapped[str | None] = mapped_column(sa.String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    unit: Mapped[Unit | None] = relationship()

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method="scrypt")

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active


class ApiToken(db.Model):
    """A bearer token for the admin API; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()


class KioskDevice(db.Model):
    __tablename__ = "kiosk_devices"

    id: Mapped[int] = mapped_column(primary_key=True)
    point_id: Mapped[int] = mapped_column(sa.ForeignKey("points.id"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120), default="")
    paired_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    app_version: Mapped[str | None] = mapped_column(sa.String(32))
    queue_length: Mapped[int] = mapped_column(default=0)
    # Answers the server refused for good (a 4xx other than 401/429), kept on the tablet and
    # reported by its heartbeat with the last reason, so none vanishes unseen.
    rejected_count: Mapped[int] = mapped_column(default=0, server_default="0")
    rejected_reason: Mapped[str | None] = mapped_column(sa.String(255))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    point: Mapped[Point] = relationship()


class PairingCode(db.Model):
    """A one-time code that pairs a tablet with a point; only its hash is stored."""

    __tablename__ = "pairing_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    point_id: Mapped[int] = mapped_column(sa.ForeignKey("points.id"), index=True)
    code_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    point: Mapped[Point] = relationship()


class VisitCode(db.Model):
    """A one-time survey code printed on an appointment slip; only its hash is stored."""

    __tablename__ = "visit_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    point_id: Mapped[int] = mapped_column(sa.ForeignKey("points.id"), index=True)
    code_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    response_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("responses.id", ondelete="SET NULL"))

    point: Mapped[Point] = relationship()


class CompetitionPeriod(db.Model):
    __tablename__ = "competition_periods"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(255))
    start_date: Mapped[date]
    end_date: Mapped[date]
    # The score sheet of this period (points per item, item 4's rule, classes); None: the defaults.
    config: Mapped[dict | None] = mapped_column(sa.JSON)

    milestones: Mapped[list[Milestone]] = relationship(
        back_populates="period", order_by="Milestone.due_date", cascade="all, delete-orphan"
    )


class Milestone(db.Model):
    """sơ kết (mid-term review) or tổng kết (final review) of a period."""

    __tablename__ = "milestones"

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(sa.ForeignKey("competition_periods.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(32))
    name: Mapped[str] = mapped_column(sa.String(255))
    due_date: Mapped[date]

    period: Mapped[CompetitionPeriod] = relationship(back_populates="milestones")


class AuditLog(db.Model):
    """One row per state change: who (a user, a kiosk device, or the command line when both are
    empty), what action, on which target, and the fields that changed."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    device_id: Mapped[int | None] = mapped_column(sa.ForeignKey("kiosk_devices.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(sa.String(64))
    target: Mapped[str] = mapped_column(sa.String(255), default="")
    details: Mapped[str] = mapped_column(sa.Text, default="")
    # {field: [before, after]} for updates, {field: value} for creations.
    changes: Mapped[dict | None] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)

    user: Mapped[User | None] = relationship()
    device: Mapped[KioskDevice | None] = relationship()


# --- Citizens' feedback as cases, alerts, the notification outbox -------------------------------

CASE_SOURCES = ("kiosk", "qr", "manual")
CASE_KINDS = ("feedback", "complaint")
CASE_STATUSES = ("new", "assigned", "answered", "closed", "dismissed", "reopened")
CONTACT_METHODS = ("phone", "email", "letter", "in_person")
MANUAL_CHANNELS = ("paper", "phone", "email", "reception")


class CalendarDay(db.Model):
    """An exception to the Monday-to-Friday week: a weekday off (holiday, Tết, substitute day off)
    or a Saturday or Sunday made a working day. The office keeps the table; deadlines read it."""

    __tablename__ = "calendar_days"

    day: Mapped[date] = mapped_column(primary_key=True)
    working: Mapped[bool] = mapped_column(default=False)
    name: Mapped[str] = mapped_column(sa.String(255), default="")


class DeadlineRule(db.Model):
    """How long a kind of case may wait for its answer, from the date a law took effect."""

    __tablename__ = "deadline_rules"
    __table_args__ = (sa.UniqueConstraint("kind", "effective_from", name="uq_deadline_rules_kind_effective"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(32))
    days: Mapped[int]
    working_days: Mapped[bool] = mapped_column(default=True)
    effective_from: Mapped[date]
    basis: Mapped[str] = mapped_column(sa.String(255), default="")


class Case(db.Model):
    """A citizen's feedback or petition (phản ánh, kiến nghị) that needs an answer by a deadline."""

    __tablename__ = "cases"
    __table_args__ = (sa.Index("ix_cases_unit_status", "unit_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"))
    point_id: Mapped[int | None] = mapped_column(sa.ForeignKey("points.id"))
    response_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("responses.id", ondelete="SET NULL"), unique=True
    )
    source: Mapped[str] = mapped_column(sa.String(16))
    # How a manual case reached the office (paper, phone, email, reception); None for answers.
    channel: Mapped[str | None] = mapped_column(sa.String(16))
    kind: Mapped[str] = mapped_column(sa.String(32), default="feedback")
    status: Mapped[str] = mapped_column(sa.String(16), default="new", index=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    due: Mapped[date] = mapped_column(index=True)
    content: Mapped[str] = mapped_column(sa.Text, default="")
    contact_name: Mapped[str | None] = mapped_column(sa.String(120))
    contact_phone: Mapped[str | None] = mapped_column(sa.String(32))
    contact_email: Mapped[str | None] = mapped_column(sa.String(255))
    contact_consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    contact_consent_text: Mapped[str | None] = mapped_column(sa.String(500))
    assignee: Mapped[str | None] = mapped_column(sa.String(120))
    answer: Mapped[str | None] = mapped_column(sa.Text)
    contact_method: Mapped[str | None] = mapped_column(sa.String(16))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Whether the (latest) answer came by the deadline, kept when it is given so reports count it in SQL.
    answered_on_time: Mapped[bool | None] = mapped_column()
    dismissed_reason: Mapped[str | None] = mapped_column(sa.String(500))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    overdue_notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    unit: Mapped[Unit] = relationship()
    point: Mapped[Point | None] = relationship()
    events: Mapped[list[CaseEvent]] = relationship(
        back_populates="case", order_by="CaseEvent.id", cascade="all, delete-orphan"
    )


class CaseEvent(db.Model):
    """One step of a case's history: who moved it from which status to which, with what note."""

    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    from_status: Mapped[str | None] = mapped_column(sa.String(16))
    to_status: Mapped[str] = mapped_column(sa.String(16))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    case: Mapped[Case] = relationship(back_populates="events")
    user: Mapped[User | None] = relationship()


class AlertRule(db.Model):
    """When answers at a point call for attention. Scope: one point, one unit's points, or every
    point (both empty). `low_share`: at least `share` % of at least `min_answers` answers within
    `window_minutes` scored at or below KIOSK_LOW_SCORE. `lowest_comment`: any lowest score with a
    comment."""

    __tablename__ = "alert_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(32), default="low_share")
    point_id: Mapped[int | None] = mapped_column(sa.ForeignKey("points.id", ondelete="CASCADE"))
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id", ondelete="CASCADE"))
    min_answers: Mapped[int] = mapped_column(default=10)
    share: Mapped[float] = mapped_column(default=30.0)
    window_minutes: Mapped[int] = mapped_column(default=120)
    active: Mapped[bool] = mapped_column(default=True)

    point: Mapped[Point | None] = relationship()
    unit: Mapped[Unit | None] = relationship()


class Alert(db.Model):
    """An alert at a point; a rule keeps one open alert per point until it is acknowledged."""

    __tablename__ = "alerts"
    __table_args__ = (
        sa.Index(
            "uq_alerts_open_rule_point",
            "rule_id",
            "point_id",
            unique=True,
            sqlite_where=sa.text("status = 'open'"),
            postgresql_where=sa.text("status = 'open'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rule_id: Mapped[int] = mapped_column(sa.ForeignKey("alert_rules.id", ondelete="CASCADE"))
    point_id: Mapped[int] = mapped_column(sa.ForeignKey("points.id"))
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)
    status: Mapped[str] = mapped_column(sa.String(16), default="open")
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # What tripped it: {"answers": 12, "low": 5, "window_minutes": 120} or {"response": "<uuid>"}.
    details: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    acknowledged_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str | None] = mapped_column(sa.Text)

    rule: Mapped[AlertRule] = relationship()
    point: Mapped[Point] = relationship()
    unit: Mapped[Unit] = relationship()
    acknowledged_by: Mapped[User | None] = relationship()


class OutboxEvent(db.Model):
    """A notification written in the transaction of the change that caused it, delivered after
    the commit by `deliver-notifications`: never sent for a change that was rolled back, never
    lost for one that was kept. One delivery row per channel."""

    __tablename__ = "outbox_events"

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid.uuid4)
    type: Mapped[str] = mapped_column(sa.String(32))
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id", ondelete="SET NULL"))
    point_id: Mapped[int | None] = mapped_column(sa.ForeignKey("points.id", ondelete="SET NULL"))
    payload: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)

    deliveries: Mapped[list[OutboxDelivery]] = relationship(back_populates="event", cascade="all, delete-orphan")


class OutboxDelivery(db.Model):
    __tablename__ = "outbox_deliveries"
    __table_args__ = (sa.UniqueConstraint("event_id", "channel", name="uq_outbox_deliveries_event_channel"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("outbox_events.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(sa.String(16))
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(sa.String(500))

    event: Mapped[OutboxEvent] = relationship(back_populates="deliveries")


# --- The competition: score sheets, self-assessment and review, frozen reviews -------------------

PLAN_ITEMS = (1, 2, 3, 4, 5, 6)
ASSESSED_ITEMS = (1, 2, 3)
STAGES = ("so_ket", "tong_ket")
DECISIONS = ("award", "criticise")


class PeriodMembership(db.Model):
    """The competition group of each unit for one period. Moving a unit to another group changes
    the memberships of the periods still running, never those of a past period."""

    __tablename__ = "period_memberships"

    period_id: Mapped[int] = mapped_column(
        sa.ForeignKey("competition_periods.id", ondelete="CASCADE"), primary_key=True
    )
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id", ondelete="CASCADE"), primary_key=True)
    group_id: Mapped[int | None] = mapped_column(sa.ForeignKey("competition_groups.id", ondelete="SET NULL"))


class AssessmentEntry(db.Model):
    """A figure of items 1-3 (a percentage): a unit's self-assessment, or the office's review of it.
    Entries are only added, never changed, so a frozen review can be recomputed as it was."""

    __tablename__ = "assessment_entries"
    __table_args__ = (sa.Index("ix_assessment_entries_period_unit_item", "period_id", "unit_id", "item"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(sa.ForeignKey("competition_periods.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id", ondelete="CASCADE"))
    item: Mapped[int]
    kind: Mapped[str] = mapped_column(sa.String(16))  # "self" or "review"
    value: Mapped[float]
    note: Mapped[str] = mapped_column(sa.Text, default="")
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user: Mapped[User | None] = relationship()


class EvidenceFile(db.Model):
    """A PDF or image backing a unit's figure, stored under the instance folder by a generated name."""

    __tablename__ = "evidence_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(sa.ForeignKey("competition_periods.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id", ondelete="CASCADE"), index=True)
    item: Mapped[int]
    original_name: Mapped[str] = mapped_column(sa.String(255))
    stored_name: Mapped[str] = mapped_column(sa.String(64), unique=True)
    content_type: Mapped[str] = mapped_column(sa.String(64))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user: Mapped[User | None] = relationship()


class DossierCount(db.Model):
    """Dossiers handled on time and late, imported from the one-stop-shop system (item 3). The
    latest import of a unit and period counts; earlier ones stay for frozen reviews."""

    __tablename__ = "dossier_counts"
    __table_args__ = (sa.Index("ix_dossier_counts_period_unit", "period_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(sa.ForeignKey("competition_periods.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id", ondelete="CASCADE"))
    on_time: Mapped[int]
    late: Mapped[int]
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ScoreAdjustment(db.Model):
    """A bonus (positive) or penalty (negative) line with its reason; withdrawn, never deleted."""

    __tablename__ = "score_adjustments"

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(sa.ForeignKey("competition_periods.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id", ondelete="CASCADE"), index=True)
    points: Mapped[float]
    reason: Mapped[str] = mapped_column(sa.String(500))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class FrozenReview(db.Model):
    """A sơ kết or tổng kết as it stood: the sheet, the configuration it was computed with, and an
    identification of the data behind it, so `verify-review` can recompute and compare."""

    __tablename__ = "frozen_reviews"
    __table_args__ = (sa.UniqueConstraint("period_id", "stage", name="uq_frozen_reviews_period_stage"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(sa.ForeignKey("competition_periods.id", ondelete="CASCADE"))
    stage: Mapped[str] = mapped_column(sa.String(16))
    first: Mapped[date]
    last: Mapped[date]
    frozen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    frozen_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    config: Mapped[dict] = mapped_column(sa.JSON)
    fingerprint: Mapped[dict] = mapped_column(sa.JSON)
    sheet: Mapped[list] = mapped_column(sa.JSON)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    period: Mapped[CompetitionPeriod] = relationship()
    decisions: Mapped[list[ReviewDecision]] = relationship(
        back_populates="review", order_by="ReviewDecision.id", cascade="all, delete-orphan"
    )


class ReviewDecision(db.Model):
    """From a frozen tổng kết: a unit proposed for an award, or to be criticised, with the reason."""

    __tablename__ = "review_decisions"
    __table_args__ = (sa.UniqueConstraint("review_id", "unit_id", name="uq_review_decisions_review_unit"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(sa.ForeignKey("frozen_reviews.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id", ondelete="CASCADE"))
    decision: Mapped[str] = mapped_column(sa.String(16))
    reason: Mapped[str] = mapped_column(sa.String(1000))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    review: Mapped[FrozenReview] = relationship(back_populates="decisions")
    unit: Mapped[Unit] = relationship()


class SiteSetting(db.Model):
    """A switch of the office's (e.g. the live index on the public page)."""

    __tablename__ = "site_settings"

    key: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    value: Mapped[dict] = mapped_column(sa.JSON, default=dict)


# --- Exports built in the background --------------------------------------------------------------

EXPORT_KINDS = ("xlsx", "csv", "meeting_pdf", "meeting_docx")
EXPORT_STATUSES = ("queued", "running", "done", "failed")


class ExportJob(db.Model):
    """A download asked for on a report page and built by `flask run-exports`: its filters, how far
    it has got, and the file it produced, kept under EXPORT_DIR by a generated name until
    `expires_at`. Only the user who asked may see it."""

    __tablename__ = "export_jobs"
    __table_args__ = (
        sa.Index("ix_export_jobs_user_created", "user_id", "created_at"),
        sa.Index("ix_export_jobs_status_created", "status", "created_at"),
    )

    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True)  # a random token, never guessable
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(16))
    params: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    # A digest of kind, params and scope: a repeated click finds the job already under way.
    params_key: Mapped[str] = mapped_column(sa.String(64))
    scope: Mapped[list | None] = mapped_column(sa.JSON)  # the unit ids covered; None: the whole province
    status: Mapped[str] = mapped_column(sa.String(16), default="queued")
    progress: Mapped[int] = mapped_column(default=0)
    message: Mapped[str] = mapped_column(sa.String(200), default="")
    file_name: Mapped[str] = mapped_column(sa.String(200))
    stored_name: Mapped[str | None] = mapped_column(sa.String(64))
    size: Mapped[int | None]
    error: Mapped[str | None] = mapped_column(sa.String(1000))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()


# --- Exact rollups of the answers ---------------------------------------------------------------
# Counts kept in the answer's own transaction (core.ratings.rollups), so reports read a few rows per
# point and local day instead of every raw answer. `flag` is "" for a counted answer (a key column
# cannot be NULL), else the flag's code. `day` and `hour` are local (Asia/Ho_Chi_Minh).


class RollupResponse(db.Model):
    """Responses per point, local day and hour, channel and flag."""

    __tablename__ = "rollup_responses"

    day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    point_id: Mapped[int] = mapped_column(sa.ForeignKey("points.id"), primary_key=True)
    hour: Mapped[int] = mapped_column(sa.SmallInteger, primary_key=True)
    channel: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    flag: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    responses: Mapped[int] = mapped_column(default=0)


class RollupAnswer(db.Model):
    """Answers per point, local day, channel, flag, criterion and score."""

    __tablename__ = "rollup_answers"

    day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    point_id: Mapped[int] = mapped_column(sa.ForeignKey("points.id"), primary_key=True)
    channel: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    flag: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    criterion_id: Mapped[int] = mapped_column(sa.ForeignKey("criteria.id"), primary_key=True)
    score: Mapped[int] = mapped_column(sa.SmallInteger, primary_key=True)
    answers: Mapped[int] = mapped_column(default=0)


class RollupHour(db.Model):
    """Answers and satisfied answers per point, local day and hour, flag and criterion (the heat map)."""

    __tablename__ = "rollup_hours"

    day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    point_id: Mapped[int] = mapped_column(sa.ForeignKey("points.id"), primary_key=True)
    hour: Mapped[int] = mapped_column(sa.SmallInteger, primary_key=True)
    flag: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    criterion_id: Mapped[int] = mapped_column(sa.ForeignKey("criteria.id"), primary_key=True)
    answers: Mapped[int] = mapped_column(default=0)
    satisfied: Mapped[int] = mapped_column(default=0)


class RollupReason(db.Model):
    """Chosen reasons per point, local day, channel, flag and reason."""

    __tablename__ = "rollup_reasons"

    day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    point_id: Mapped[int] = mapped_column(sa.ForeignKey("points.id"), primary_key=True)
    channel: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    flag: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    reason_id: Mapped[int] = mapped_column(sa.ForeignKey("reasons.id"), primary_key=True)
    chosen: Mapped[int] = mapped_column(default=0)


class RollupMonthResponse(db.Model):
    """Responses per point, local month (its first day), channel and flag: what a year-long report
    reads for its whole months, so it reads about as many rows however many answers a day brings."""

    __tablename__ = "rollup_month_responses"

    month: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    point_id: Mapped[int] = mapped_column(sa.ForeignKey("points.id"), primary_key=True)
    channel: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    flag: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    responses: Mapped[int] = mapped_column(default=0)


class RollupMonthAnswer(db.Model):
    """Answers per point, local month, channel, flag, criterion and score."""

    __tablename__ = "rollup_month_answers"

    month: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    point_id: Mapped[int] = mapped_column(sa.ForeignKey("points.id"), primary_key=True)
    channel: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    flag: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    criterion_id: Mapped[int] = mapped_column(sa.ForeignKey("criteria.id"), primary_key=True)
    score: Mapped[int] = mapped_column(sa.SmallInteger, primary_key=True)
    answers: Mapped[int] = mapped_column(default=0)


class RollupMonthReason(db.Model):
    """Chosen reasons per point, local month, channel, flag and reason."""

    __tablename__ = "rollup_month_reasons"

    month: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    point_id: Mapped[int] = mapped_column(sa.ForeignKey("points.id"), primary_key=True)
    channel: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    flag: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    reason_id: Mapped[int] = mapped_column(sa.ForeignKey("reasons.id"), primary_key=True)
    chosen: Mapped[int] = mapped_column(default=0)


class RollupWeekResponse(db.Model):
    """Responses per point, local week (its Monday) and flag: the weekly trend's whole weeks."""

    __tablename__ = "rollup_week_responses"

    week: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    point_id: Mapped[int] = mapped_column(sa.ForeignKey("points.id"), primary_key=True)
    flag: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    responses: Mapped[int] = mapped_column(default=0)


class RollupWeekAnswer(db.Model):
    """Per point, local week, flag and criterion: answers, satisfied answers and the sum of scores
    (all a trend needs, without the channel and score that would multiply its rows)."""

    __tablename__ = "rollup_week_answers"

    week: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    point_id: Mapped[int] = mapped_column(sa.ForeignKey("points.id"), primary_key=True)
    flag: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    criterion_id: Mapped[int] = mapped_column(sa.ForeignKey("criteria.id"), primary_key=True)
    answers: Mapped[int] = mapped_column(default=0)
    satisfied: Mapped[int] = mapped_column(default=0)
    score_sum: Mapped[int] = mapped_column(default=0)


class PointVersion(db.Model):
    """A counter per point, raised by every stored answer and every flag change: the cheap version
    of a scope's figures that chart caches and ETags key on."""

    __tablename__ = "point_versions"

    point_id: Mapped[int] = mapped_column(sa.ForeignKey("points.id"), primary_key=True)
    version: Mapped[int] = mapped_column(default=0)
