"""Cases: working-day deadlines against the official calendar, the state machine with every
refused transition, which answers open cases, and the on-time report worked out by hand."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from core.audit import Actor
from core.cases import calendar
from core.cases.operations import TRANSITIONS, ManualCase, Move, record_manual, transition
from core.cases.queries import case_report
from core.errors import Conflict, ValidationFailed
from core.extensions import db
from core.models import CASE_STATUSES, AuditLog, Case, CaseEvent, DeadlineRule, OutboxEvent
from core.ratings.responses import record_response
from core.timeutil import LOCAL_TZ, utcnow
from tests import factories as f
from tests.conftest import as_request


def local(y, m, d, hour=10, minute=0) -> datetime:
    return datetime(y, m, d, hour, minute, tzinfo=LOCAL_TZ)


# ---------- working days ----------


@pytest.mark.parametrize(
    ("received", "days", "due"),
    [
        # Tết 2026: 16-20 Feb off, with the weekends around them.
        (local(2026, 2, 13), 10, date(2026, 3, 6)),
        # Year end: 1 Jan off, 2 Jan swapped for Saturday 10 Jan, which is worked.
        (local(2025, 12, 31), 10, date(2026, 1, 15)),
        (local(2026, 1, 9), 1, date(2026, 1, 10)),
        # Substitute day off for Giỗ Tổ (Sunday 26 Apr) on Monday 27 Apr, then 30 Apr and 1 May.
        (local(2026, 4, 23), 3, date(2026, 4, 29)),
        (local(2026, 4, 23), 5, date(2026, 5, 5)),
        # An ordinary weekend.
        (local(2026, 3, 13), 1, date(2026, 3, 16)),
        # 2024: Tết 8-14 Feb, 29 Apr swapped for Saturday 4 May.
        (local(2024, 2, 7), 1, date(2024, 2, 15)),
        (local(2024, 4, 26), 3, date(2024, 5, 4)),
        # 2025: Tết 27-31 Jan, 2 May swapped for Saturday 26 Apr, Quốc khánh 1-2 Sep.
        (local(2025, 1, 24), 1, date(2025, 2, 3)),
        (local(2025, 4, 25), 1, date(2025, 4, 26)),
        (local(2025, 8, 29), 1, date(2025, 9, 3)),
    ],
)
def test_feedback_is_due_on_the_nth_working_day_after_receipt(app_ctx, received, days, due):
    assert calendar.add_working_days(received.date(), days) == due
    if days == 10:
        assert calendar.due_date("feedback", received.astimezone(UTC)) == due


def test_the_local_date_of_receipt_counts_not_utcs(app_ctx):
    # 23:30 on Thursday 8 Jan in Vietnam is still Thursday; 00:30 on Friday 9 Jan is Friday, though
    # both are 8 Jan in UTC. One working day later: Friday 9 Jan, or the worked Saturday 10 Jan.
    assert calendar.add_working_days(local(2026, 1, 8, 23, 30).date(), 1) == date(2026, 1, 9)
    late = datetime(2026, 1, 8, 17, 30, tzinfo=UTC)
    assert late.astimezone(LOCAL_TZ).date() == date(2026, 1, 9)
    assert calendar.due_date("feedback", late) == calendar.add_working_days(date(2026, 1, 9), 10)


@pytest.mark.parametrize(
    ("received", "due"),
    [
        # Before 1 Jul 2026: 10 calendar days; a deadline on a Saturday moves to Monday.
        (local(2026, 6, 24), date(2026, 7, 6)),
        (local(2026, 6, 26), date(2026, 7, 6)),
        # From 1 Jul 2026: 7 working days.
        (local(2026, 7, 2), date(2026, 7, 13)),
    ],
)
def test_complaint_deadlines_follow_the_rule_in_force_on_the_day_of_receipt(app_ctx, received, due):
    assert calendar.due_date("complaint", received.astimezone(UTC)) == due


def test_without_a_rule_the_configured_working_days_apply(make_app):
    app = make_app(CASES_DUE_WORKING_DAYS=3)
    with app.app_context():
        db.session.execute(sa.delete(DeadlineRule).where(DeadlineRule.kind == "feedback"))
        assert calendar.due_date("feedback", local(2026, 3, 13).astimezone(UTC)) == date(2026, 3, 18)


def test_the_office_edits_the_calendar_and_deadlines_follow(app_ctx):
    actor = Actor.cli()
    # A day off decided late (say a provincial event on Monday 16 Mar 2026).
    calendar.set_day(actor, date(2026, 3, 16), working=False, name="Nghỉ đột xuất")
    assert calendar.add_working_days(date(2026, 3, 13), 1) == date(2026, 3, 17)
    calendar.remove_day(actor, date(2026, 3, 16))
    assert calendar.add_working_days(date(2026, 3, 13), 1) == date(2026, 3, 16)
    count = calendar.import_days(actor, "date,working,name\n2026-03-21,1,Làm bù\n2026-03-16,0,Nghỉ\n".encode())
    assert count == 2
    assert calendar.add_working_days(date(2026, 3, 13), 2) == date(2026, 3, 18)
    assert calendar.add_working_days(date(2026, 3, 20), 1) == date(2026, 3, 21)
    actions = db.session.scalars(sa.select(AuditLog.action).order_by(AuditLog.id)).all()
    assert actions == ["calendar.set", "calendar.remove", "calendar.import"]


def test_a_bad_calendar_file_names_its_lines_and_changes_nothing(app_ctx):
    from core.org.imports import ImportFailed

    before = calendar.exceptions_between(date(2026, 1, 1), date(2026, 12, 31))
    with pytest.raises(ImportFailed) as raised:
        calendar.import_days(Actor.cli(), b"date,working,name\n2026-13-01,0,x\n2026-03-02,maybe,y\n")
    assert raised.value.errors == ["line 2: date must be YYYY-MM-DD", "line 3: working must be 0 or 1"]
    assert calendar.exceptions_between(date(2026, 1, 1), date(2026, 12, 31)) == before


# ---------- the state machine ----------


@pytest.fixture
def unit_point(app_ctx):
    unit = f.unit("H-HOIAN", f.group("g"))
    point = f.point(unit)
    db.session.commit()
    return unit, point


def manual_case(unit, **extra) -> Case:
    spec = ManualCase(
        unit_code=unit.code,
        content="Ông A phản ánh thái độ cán bộ",
        channel="phone",
        received_on=utcnow() - timedelta(hours=1),
        **extra,
    )
    return record_manual(Actor.cli(), spec)


def at_status(unit, status: str) -> Case:
    """A case brought to `status` through allowed transitions only."""
    case = manual_case(unit)
    path = {
        "new": [],
        "assigned": ["assigned"],
        "answered": ["answered"],
        "closed": ["answered", "closed"],
        "dismissed": ["dismissed"],
        "reopened": ["answered", "reopened"],
    }[status]
    for step in path:
        transition(Actor.cli(), case, full_move(step))
    return case


def full_move(status: str) -> Move:
    return Move(
        status, answer="Đã trả lời bằng điện thoại", contact_method="phone", assignee="Lê Văn Tám", reason="spam"
    )


ALLOWED = {(src, dst) for dst, sources in TRANSITIONS.items() for src in sources}


@pytest.mark.parametrize("source", CASE_STATUSES)
@pytest.mark.parametrize("target", [s for s in CASE_STATUSES if s != "new"])
def test_every_transition_is_allowed_or_refused_as_the_table_says(unit_point, source, target):
    unit, _point = unit_point
    case = at_status(unit, source)
    history = len(case.events)
    if (source, target) in ALLOWED:
        transition(Actor.cli(), case, full_move(target))
        assert case.status == target and len(case.events) == history + 1
        assert (case.events[-1].from_status, case.events[-1].to_status) == (source, target)
    else:
        with pytest.raises(Conflict):
            transition(Actor.cli(), case, full_move(target))
        assert case.status == source and len(case.events) == history


def test_the_table_is_the_issues(app_ctx):
    assert {
        ("new", "assigned"),
        ("new", "answered"),
        ("assigned", "answered"),
        ("reopened", "answered"),
        ("answered", "closed"),
        ("new", "dismissed"),
        ("assigned", "dismissed"),
        ("reopened", "dismissed"),
        ("answered", "reopened"),
        ("closed", "reopened"),
    } == ALLOWED


@pytest.mark.parametrize(
    ("move", "field"),
    [
        (Move("answered"), "answer"),
        (Move("answered", answer="   "), "answer"),
        (Move("dismissed"), "reason"),
        (Move("assigned"), "assignee"),
        (Move("answered", answer="ok", contact_method="pigeon"), "contact_method"),
        (Move("done"), "status"),
        (Move("new"), "status"),
    ],
)
def test_missing_or_unknown_values_are_validation_errors(unit_point, move, field):
    unit, _point = unit_point
    case = manual_case(unit)
    with pytest.raises(ValidationFailed) as raised:
        transition(Actor.cli(), case, move)
    assert field in raised.value.fields
    assert case.status == "new"


def test_answering_records_the_time_and_whether_it_was_on_time(unit_point):
    unit, _point = unit_point
    case = manual_case(unit)
    transition(Actor.cli(), case, Move("answered", answer="Đã trả lời", contact_method="letter"))
    assert case.answered_at is not None and case.answered_on_time is True and case.contact_method == "letter"
    late = manual_case(unit)
    late.due = date(2020, 1, 1)
    transition(Actor.cli(), late, Move("answered", answer="Trả lời muộn"))
    assert late.answered_on_time is False


# ---------- which answers open a case ----------


def answer(point, overall, comment=None, contact=None, channel="kiosk", **extra):
    with as_request():
        return record_response(
            response_id=uuid.uuid4(),
            point=point,
            channel=channel,
            answers={"overall": overall, **extra},
            comment=comment,
            contact=contact,
            consent_text="Tôi đồng ý ..." if contact else None,
        )


def test_low_scores_with_a_comment_and_reply_requests_open_cases(unit_point):
    _unit, point = unit_point
    low_comment = answer(point, 2, comment="Phải chờ quá lâu")
    answer(point, 2)  # low without comment
    answer(point, 5, comment="Rất tốt")  # comment without a low score
    answer(point, 5, welcome=1, comment="Bảo vệ khó chịu", channel="qr")  # a low follow-up score
    reply = answer(point, 4, contact={"name": "Trần Bình", "phone": "0905111222", "consent": True}, channel="visit")
    cases = db.session.scalars(sa.select(Case).order_by(Case.id)).all()
    assert [(c.source, c.content) for c in cases] == [
        ("kiosk", "Phải chờ quá lâu"),
        ("qr", "Bảo vệ khó chịu"),
        ("qr", ""),
    ]
    assert cases[0].response_id == low_comment.id and cases[2].response_id == reply.id
    assert (cases[2].contact_name, cases[2].contact_phone) == ("Trần Bình", "0905111222")
    assert cases[2].contact_consent_text == "Tôi đồng ý ..."
    received = cases[0].received_at.astimezone(LOCAL_TZ).date()
    assert cases[0].due == calendar.add_working_days(received, 10)
    events = db.session.scalars(sa.select(OutboxEvent).where(OutboxEvent.type == "case.opened")).all()
    assert len(events) == 3 and all(len(e.deliveries) == 2 for e in events)
    assert {e.payload["case"]["id"] for e in events} == {c.id for c in cases}


def test_double_taps_open_no_case(unit_point):
    _unit, point = unit_point
    from core.models import KioskDevice

    device = KioskDevice(point_id=point.id, token_hash="d" * 64)
    db.session.add(device)
    db.session.commit()
    moment = utcnow() - timedelta(minutes=5)
    with as_request():
        for seconds in (0, 1):
            record_response(
                response_id=uuid.uuid4(),
                point=point,
                channel="kiosk",
                answers={"overall": 1},
                comment="Tệ",
                device=device,
                answered_at=(moment + timedelta(seconds=seconds)).isoformat(),
            )
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Case)) == 1


def test_a_case_and_its_event_go_with_the_answer_when_it_rolls_back(unit_point, monkeypatch):
    _unit, point = unit_point
    import core.cases.operations as operations

    def fail(*args, **kwargs):
        raise RuntimeError("the outbox is broken")

    monkeypatch.setattr(operations, "emit", fail)
    with pytest.raises(RuntimeError):
        answer(point, 1, comment="Tệ")
    counts = [db.session.scalar(sa.select(sa.func.count()).select_from(m)) for m in (Case, OutboxEvent, CaseEvent)]
    assert counts == [0, 0, 0]
    from core.models import Response

    assert db.session.scalar(sa.select(sa.func.count()).select_from(Response)) == 0


# ---------- the on-time report ----------


def test_case_report_worked_out_by_hand(unit_point):
    unit, _point = unit_point
    other = f.unit("H-TAMKY")
    db.session.commit()
    today = date(2026, 3, 20)
    received = local(2026, 3, 2, 9)

    def case(target_unit, status, due, on_time=None):
        row = manual_case(target_unit)
        row.received_at, row.due, row.status = received.astimezone(UTC), due, status
        row.answered_on_time = on_time
        return row

    case(unit, "answered", date(2026, 3, 16), True)
    case(unit, "closed", date(2026, 3, 16), True)
    case(unit, "closed", date(2026, 3, 16), False)
    case(unit, "new", date(2026, 3, 16))  # overdue on 20 Mar
    case(unit, "assigned", date(2026, 3, 25))  # open, not yet due
    case(unit, "dismissed", date(2026, 3, 16))
    case(other, "dismissed", date(2026, 3, 16))
    outside = manual_case(unit)
    outside.received_at = local(2026, 2, 27, 9).astimezone(UTC)
    db.session.flush()
    rows = {r.unit: r for r in case_report(date(2026, 3, 1), date(2026, 3, 31), None, today=today)}
    hoi_an = rows["H-HOIAN"]
    assert (hoi_an.received, hoi_an.answered_on_time, hoi_an.answered_late) == (6, 2, 1)
    assert (hoi_an.open, hoi_an.overdue, hoi_an.dismissed) == (2, 1, 1)
    assert hoi_an.on_time_rate == pytest.approx(100 * 2 / 4)
    assert rows["H-TAMKY"].on_time_rate is None and rows["H-TAMKY"].dismissed == 1
    scoped = case_report(date(2026, 3, 1), date(2026, 3, 31), {other.id}, today=today)
    assert [r.unit for r in scoped] == ["H-TAMKY"]
