"""The exact rollups: every report figure read from them equals the same figure read from the raw
answers, on random data stored through the real write path, after flag changes, across local
midnights of Asia/Ho_Chi_Minh, on SQLite and (in CI) on PostgreSQL; and `flask rebuild-rollups`
finds and repairs counters that drifted from the raw answers."""

from __future__ import annotations

import dataclasses
import random
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from core.audit import Actor
from core.errors import NotFound, ValidationFailed
from core.extensions import db
from core.models import AuditLog, KioskDevice, Response, RollupAnswer, RollupResponse
from core.ratings import rollups
from core.ratings.flags import change_flag
from core.ratings.responses import record_response
from core.reporting import queries
from core.reporting.sources import RAW, ROLLUPS
from core.timeutil import LOCAL_TZ
from tests import factories as f
from tests.test_admin_support import seeded  # noqa: F401 - a fixture used below

CRITERIA = ("overall", "welcome", "guidance", "office")
REASONS = ("wait", "attitude", "guidance", "procedure", "facilities", "other")


def _moments(rng: random.Random, now: datetime, count: int) -> list[datetime]:
    """Answer times over the last six local days, a third of them within a second of a local
    midnight (on either side), the rest anywhere in the day."""
    today = now.astimezone(LOCAL_TZ).date()
    out = []
    for _ in range(count):
        day = today - timedelta(days=rng.randint(1, 6))
        midnight = datetime(day.year, day.month, day.day, tzinfo=LOCAL_TZ)
        if rng.random() < 0.33:
            out.append(midnight + timedelta(seconds=rng.choice((-1, 0, 1))))
        else:
            out.append(midnight + timedelta(seconds=rng.randrange(86_400)))
    return [moment for moment in out if moment < now - timedelta(minutes=1)]


def _store_random(rng: random.Random, points, device, count: int) -> list[uuid.UUID]:
    """`count` answers through record_response: random channels, scores (optional criteria often
    skipped), reasons and comments; some a kiosk's burst (misuse), some a QR repeat (repeat), some
    with a clock far off (clock)."""
    now = datetime.now(UTC)
    ids = []
    last_tap = None
    for moment in _moments(rng, now, count):
        point = rng.choice(points)
        channel = rng.choice(("kiosk", "kiosk", "qr", "visit"))
        answers = {"overall": rng.randint(1, 5)}
        answers.update({code: rng.randint(1, 5) for code in CRITERIA[1:] if rng.random() < 0.6})
        reasons = rng.sample(REASONS, k=rng.randint(1, 3)) if answers["overall"] <= 2 else []
        answered_at = moment
        if rng.random() < 0.03:
            answered_at = now - timedelta(days=30)  # outside the clock window: stored now, flagged "clock"
        burst = channel == "kiosk" and point.id == device.point_id and rng.random() < 0.7
        if burst and last_tap is not None and rng.random() < 0.5:
            answered_at = last_tap + timedelta(seconds=1)  # a second tap on the tablet: misuse
        if burst:
            last_tap = answered_at
        recorded = record_response(
            response_id=uuid.uuid4(),
            point=point,
            channel=channel,
            answers=answers,
            reasons=reasons,
            comment=rng.choice((None, "Cán bộ nhiệt tình")),
            answered_at=answered_at.isoformat(),
            device=device if burst else None,
            repeat=channel == "qr" and rng.random() < 0.1,
        )
        ids.append(recorded.id)
    return ids


def _ranges(today: date) -> list[tuple[date, date]]:
    """Single local days (the midnight answers split exactly), spans of days, and spans of whole
    months with days on either side (read from the monthly counters plus the daily ones)."""
    days = [today - timedelta(days=back) for back in range(8)]
    this_month = today.replace(day=1)
    previous = (this_month - timedelta(days=1)).replace(day=1)
    next_month = (this_month + timedelta(days=32)).replace(day=1)
    return [
        (previous, next_month - timedelta(days=1)),  # two whole months
        (previous + timedelta(days=3), next_month - timedelta(days=1)),  # days, then a whole month
        (previous, today),  # a whole month, then days (or two whole months on a month's last day)
        (today - timedelta(days=7), today),  # everything
        *[(day, day) for day in days],  # each single local day: the midnight answers split exactly
        (days[5], days[2]),
        (today - timedelta(days=400), today - timedelta(days=200)),  # only the factory's old answers
        (today - timedelta(days=400), today),
    ]


def _plain(value):
    """Dataclasses as dicts (recursively), so two report results compare field by field."""
    if dataclasses.is_dataclass(value):
        return {k: _plain(v) for k, v in dataclasses.asdict(value).items()}
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


REPORTS = {
    "satisfaction_by_unit": lambda a, b, scope, source: queries.satisfaction_by_unit(a, b, scope, 3, source=source),
    "satisfaction_by_point": lambda a, b, scope, source: queries.satisfaction_by_point(a, b, scope, 3, source=source),
    "figures_by_unit": lambda a, b, scope, source: queries.figures_by_unit(a, b, source=source),
    "scope_summary": lambda a, b, scope, source: queries.scope_summary(a, b, scope, source=source),
    "criteria_summary": lambda a, b, scope, source: queries.criteria_summary(a, b, scope, source=source),
    "reason_counts": lambda a, b, scope, source: queries.reason_counts(a, b, scope, source=source),
    "heatmap": lambda a, b, scope, source: queries.heatmap(a, b, scope, source=source),
    "weekly_trend": lambda a, b, scope, source: queries.weekly_trend(a, b, scope, source=source),
    "weekly_trend_by_unit": lambda a, b, scope, source: queries.weekly_trend_by_unit(a, b, scope, source=source),
    "channel_figures": lambda a, b, scope, source: queries.channel_figures(a, b, scope, source=source),
}


def _assert_rollups_equal_raw(today: date, scopes) -> int:
    """Every report, every range and scope: the figures from the rollups equal those from the raw
    answers. Returns how many non-empty comparisons were made (so the test knows it compared data)."""
    compared = 0
    for first, last in _ranges(today):
        for scope in scopes:
            for name, report in REPORTS.items():
                raw = _plain(report(first, last, scope, RAW))
                rolled = _plain(report(first, last, scope, ROLLUPS))
                assert rolled == raw, f"{name} {first}..{last} scope={scope}"
                compared += bool(raw)
    return compared


@pytest.fixture
def province(app_ctx):
    g1, g2 = f.group("g1"), f.group("g2")
    units = [f.unit("U1", g1), f.unit("U2", g1), f.unit("U3", g2), f.unit("U4", None)]
    points = [f.point(units[0], "P1"), f.point(units[0], "P2")] + [f.point(u) for u in units[1:]]
    device = KioskDevice(point_id=points[0].id, token_hash="r" * 64)
    db.session.add(device)
    db.session.flush()
    return units, points, device


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_report_figure_from_rollups_equals_the_raw_answers(province, seed):
    units, points, device = province
    rng = random.Random(seed)  # noqa: S311 - seeded on purpose: reproducible test data, no secret
    today = datetime.now(LOCAL_TZ).date()
    ids = _store_random(rng, points, device, 160)
    # Older answers (a year back, the factory counts them as the write path does).
    for _ in range(30):
        when = datetime.now(LOCAL_TZ) - timedelta(days=rng.randint(200, 400), minutes=rng.randint(0, 1440))
        f.stored_response(rng.choice(points), when, overall=rng.randint(1, 5), welcome=rng.randint(1, 5))
    db.session.commit()

    stored = db.session.execute(sa.select(Response.flag, sa.func.count()).group_by(Response.flag)).all()
    flags = dict(stored)
    assert sum(flags.values()) == len(ids) + 30
    # The random data exercises every path: counted answers and each of the three flags.
    assert flags.get(None, 0) > 50 and flags.get("misuse", 0) > 0 and flags.get("clock", 0) > 0
    scopes = [None, {units[0].id}, {units[1].id, units[2].id}]
    assert _assert_rollups_equal_raw(today, scopes) > 40
    assert rollups.differences() == dict.fromkeys(rollups.differences(), 0)

    # The office flags some answers and counts some flagged ones again: the rollups follow.
    office = Actor.cli()
    for rid in rng.sample(ids, 25):
        current = db.session.get(Response, rid).flag
        change_flag(office, rid, None if current else rng.choice(("misuse", "repeat")), "kiểm tra lại")
    db.session.commit()
    assert _assert_rollups_equal_raw(today, scopes) > 40
    assert set(rollups.differences().values()) == {0}


def test_a_flag_change_moves_the_answer_out_of_the_figures_and_back(province, runner):
    _units, points, _device = province
    when = datetime.now(LOCAL_TZ) - timedelta(days=1)
    kept = f.stored_response(points[2], when, overall=5, welcome=4)
    f.stored_response(points[2], when, overall=2, welcome=2)
    db.session.commit()
    day = when.date()

    def unit_row():
        return next(r for r in queries.satisfaction_by_unit(day, day, min_sample=1) if r.unit == "U2")

    # Worked by hand: overall 5 and 2 -> 1/2 = 50 %; welcome 4 and 2 -> 50 %; index 50.
    before = unit_row()
    assert (before.responses, before.flagged, before.index) == (2, 0, 50.0)
    version = queries.answers_version()
    result = runner.invoke(args=["flag-response", str(kept.id), "--flag", "misuse", "--reason", "gửi dồn dập"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    after = unit_row()
    # Only the 2s are counted now: 0 %; the flagged answer is stored but left out.
    assert (after.responses, after.flagged, after.index) == (1, 1, 0.0)
    assert queries.answers_version() != version
    audit = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "response.flag"))
    assert audit.target == str(kept.id) and audit.changes == {"flag": [None, "misuse"]}
    assert audit.details == "gửi dồn dập"

    result = runner.invoke(args=["flag-response", str(kept.id), "--flag", "none", "--reason", "nhầm"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert (unit_row().responses, unit_row().index) == (2, 50.0)
    # The counters it left stay at zero; they are no figure.
    zero = db.session.scalar(
        sa.select(sa.func.count()).select_from(RollupResponse).where(RollupResponse.responses == 0)
    )
    assert zero == 1


def test_flag_changes_refuse_bad_input_and_store_nothing(province):
    _units, points, _device = province
    row = f.stored_response(points[0], datetime.now(LOCAL_TZ) - timedelta(days=1), overall=4)
    db.session.commit()
    with pytest.raises(ValidationFailed):
        change_flag(Actor.cli(), row.id, "spam", "x")
    with pytest.raises(ValidationFailed):
        change_flag(Actor.cli(), row.id, "misuse", "   ")
    with pytest.raises(NotFound):
        change_flag(Actor.cli(), uuid.uuid4(), "misuse", "x")
    db.session.rollback()
    assert db.session.get(Response, row.id).flag is None
    assert set(rollups.differences().values()) == {0}


def test_rebuild_rollups_finds_and_repairs_drift(province, runner):
    _units, points, _device = province
    when = datetime.now(LOCAL_TZ) - timedelta(days=2)
    victim = f.stored_response(points[1], when, overall=1, welcome=1)
    f.stored_response(points[1], when, overall=5)
    db.session.commit()
    result = runner.invoke(args=["rebuild-rollups"])
    assert result.exit_code == 0 and "no difference" in result.output, result.output

    # Behind the service's back: a raw answer deleted, a counter changed by hand.
    db.session.execute(sa.delete(Response).where(Response.id == victim.id))
    db.session.execute(sa.update(RollupAnswer).where(RollupAnswer.score == 5).values(answers=7))
    db.session.commit()
    day = when.date()
    raw = queries.scope_summary(day, day, source=RAW)
    assert queries.scope_summary(day, day) != raw

    result = runner.invoke(args=["rebuild-rollups"])
    assert result.exit_code == 0, result.output
    # Worked out: the two responses share one response counter (2, now 1); the deleted one's two
    # answer counters (overall 1, welcome 1) are gone and the overall-5 counter was set to 7 (3);
    # the hour counters of overall (2 answers, now 1) and of welcome (gone) differ (2).
    assert "rollup_responses: 1 counter row(s) differed" in result.output
    assert "rollup_answers: 3 counter row(s) differed" in result.output
    assert "rollup_hours: 2 counter row(s) differed" in result.output
    assert "rollup_reasons: 0 counter row(s) differed" in result.output
    assert "corrected" in result.output
    db.session.expire_all()
    assert queries.scope_summary(day, day) == raw
    assert runner.invoke(args=["rebuild-rollups"]).output.splitlines()[-1].startswith("no difference")


def test_rebuild_of_a_day_range_leaves_other_days_alone(province):
    _units, points, _device = province
    old = datetime.now(LOCAL_TZ) - timedelta(days=10)
    new = datetime.now(LOCAL_TZ) - timedelta(days=1)
    f.stored_response(points[0], old, overall=4)
    f.stored_response(points[0], new, overall=4)
    db.session.commit()
    db.session.execute(sa.update(RollupResponse).values(responses=9))
    found = rollups.rebuild(new.date(), new.date())
    assert found["rollup_responses"] == 1  # that day's counter: 9 stored, 1 computed
    counts = dict(db.session.execute(sa.select(RollupResponse.day, RollupResponse.responses)).all())
    assert counts == {old.date(): 9, new.date(): 1}


def test_the_office_leaves_an_answer_out_from_the_comments_page(seeded):  # noqa: F811 - the fixture
    """The flag form on a comment: the figures drop the answer at once, the audit keeps the reason;
    a missing reason changes nothing; a unit manager may not."""
    from tests.test_admin_support import OWN_SECRET, login_as, token_from

    app, facts = seeded
    client = app.test_client()
    login_as(client, "province_admin")
    page = client.get("/admin/reports/comments").get_data(as_text=True)
    assert OWN_SECRET in page and "Loại khỏi số liệu" in page
    with app.app_context():
        target = db.session.scalar(sa.select(Response).where(Response.comment == OWN_SECRET))
        # The answer's own local day: seeded hours ago, it is yesterday's soon after midnight.
        day = target.answered_at.astimezone(facts["tz"]).date()
        before = queries.scope_summary(day, day)
    url = f"/admin/responses/{target.id}/flag"

    refused = client.post(url, data={"csrf_token": token_from(client), "flag": "misuse", "reason": " "})
    assert refused.status_code == 302
    assert "Chưa đổi được" in client.get("/admin/reports/comments").get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Response, target.id).flag is None

    done = client.post(url, data={"csrf_token": token_from(client), "flag": "misuse", "reason": "Gửi thử nghiệm"})
    assert done.status_code == 302
    page = client.get("/admin/reports/comments").get_data(as_text=True)
    assert "Đã loại câu trả lời khỏi số liệu." in page and OWN_SECRET not in page
    with app.app_context():
        after = queries.scope_summary(day, day)
        assert before.responses >= 1
        assert (after.responses, after.flagged) == (before.responses - 1, before.flagged + 1)
        assert after == queries.scope_summary(day, day, source=RAW)
        audit = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "response.flag"))
        assert audit.details == "Gửi thử nghiệm" and audit.changes == {"flag": [None, "misuse"]}
    log = client.get("/admin/audit").get_data(as_text=True)
    assert "đã đổi đánh dấu của một câu trả lời" in log and "Nghi gửi dồn dập" in log

    manager = app.test_client()
    login_as(manager, "unit_manager")
    forbidden = manager.post(url, data={"csrf_token": token_from(manager), "flag": "none", "reason": "x"})
    assert forbidden.status_code == 403
